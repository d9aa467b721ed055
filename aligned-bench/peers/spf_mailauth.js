#!/usr/bin/env node
// mailauth 4.x (npm) on an Aligned SPF workload, looping inside one process.
// Answers DNS from the workload's zonedata (the same conventions as Aligned's ZoneData) and prints one JSON
// line: evaluations per second over the timed loop and how many results matched the expectations.
// Usage: node spf_mailauth.js WORKLOAD.json [SECONDS]
'use strict';
const fs = require('node:fs');
const { spf } = require('mailauth/lib/spf');

const { loadZone, makeResolver } = require('./zonedata_resolver.js');

async function main() {
    const workload = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
    const seconds = Number(process.argv[3] || 10);
    const prepared = [];
    for (const sc of workload.scenarios) {
        const resolver = makeResolver(loadZone(sc.zonedata));
        for (const c of sc.cases) prepared.push({ resolver, c });
    }
    const runAll = async () => {
        let ok = 0;
        for (const { resolver, c } of prepared) {
            let res;
            try {
                const out = await spf({ sender: c.mail_from, ip: c.ip, helo: c.helo, mta: 'mx.example.org', resolver });
                res = out.status.result;
            } catch (e) {
                res = 'exception';
            }
            if (c.expected.includes(res)) ok++;
        }
        return ok;
    };
    const matched = await runAll();
    const start = process.hrtime.bigint();
    let n = 0;
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
    while (elapsed() < seconds) {
        await runAll();
        n += prepared.length;
    }
    const secs = elapsed();
    const version = require('mailauth/package.json').version;
    console.log(JSON.stringify({ peer: `mailauth ${version}`, workload: workload.name, cases: prepared.length,
        matched, evaluations: n, seconds: Number(secs.toFixed(3)), per_second: Number((n / secs).toFixed(1)) }));
}

main().catch(e => { console.error(e); process.exit(1); });
