#!/usr/bin/env node
// mailauth 4.x verifying the DKIM workload messages, looping inside one process.
// Usage: node dkim_mailauth.js WORKLOAD_DIR MESSAGE.eml [SECONDS]   (prints one JSON line)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { dkimVerify } = require('mailauth/lib/dkim/verify');

async function main() {
    const [dir, name, secsArg] = process.argv.slice(2);
    const seconds = Number(secsArg || 10);
    const zone = JSON.parse(fs.readFileSync(path.join(dir, 'dkim-dns.json'), 'utf8'));
    const resolver = async (domain, type) => {
        const rec = zone[String(domain).replace(/\.$/, '')];
        if (type !== 'TXT' || !rec) {
            const e = new Error('no such domain');
            e.code = 'ENOTFOUND';
            throw e;
        }
        return [[rec[0].TXT]];
    };
    const msg = fs.readFileSync(path.join(dir, name));
    const first = await dkimVerify(msg, { resolver });
    const verified = first.results.every(r => r.status.result === 'pass');
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
    let n = 0;
    while (elapsed() < seconds) {
        for (let i = 0; i < 20; i++) await dkimVerify(msg, { resolver });
        n += 20;
    }
    const secs = elapsed();
    console.log(JSON.stringify({ peer: `mailauth ${require('mailauth/package.json').version}`, message: name,
        bytes: msg.length, verified, verifications: n, seconds: Number(secs.toFixed(3)),
        per_second: Number((n / secs).toFixed(1)) }));
}
main().catch(e => { console.error(e); process.exit(1); });
