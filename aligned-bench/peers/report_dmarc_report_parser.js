#!/usr/bin/env node
// npm dmarc-report-parser parsing an aggregate report file, looping inside one process.
// Usage: node report_dmarc_report_parser.js REPORT.xml [SECONDS]   (prints one JSON line)
'use strict';
const fs = require('node:fs');
const { parseDmarcReportsFromXml } = require('dmarc-report-parser');

async function main() {
    const [file, secsArg] = process.argv.slice(2);
    const seconds = Number(secsArg || 10);
    const xml = fs.readFileSync(file);
    const first = await parseDmarcReportsFromXml([xml]);
    const report = first.reports[0];
    const records = Array.isArray(report.record) ? report.record.length : report.record ? 1 : 0;
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
    let n = 0;
    while (elapsed() < seconds) {
        await parseDmarcReportsFromXml([xml]);
        n++;
    }
    const secs = elapsed();
    console.log(JSON.stringify({ peer: `dmarc-report-parser ${require('dmarc-report-parser/package.json').version}`,
        file, bytes: xml.length, records, parses: n, seconds: Number(secs.toFixed(3)),
        mb_per_second: Number((n * xml.length / secs / 1e6).toFixed(2)),
        records_per_second: Number((n * records / secs).toFixed(1)) }));
}
main().catch(e => { console.error(e); process.exit(1); });
