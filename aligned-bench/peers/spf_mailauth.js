#!/usr/bin/env node
// mailauth 4.x (npm) on an Aligned SPF workload, looping inside one process.
// Answers DNS from the workload's zonedata (the same conventions as Aligned's ZoneData) and prints one JSON
// line: evaluations per second over the timed loop and how many results matched the expectations.
// Usage: node spf_mailauth.js WORKLOAD.json [SECONDS]
'use strict';
const fs = require('node:fs');
const { spf } = require('mailauth/lib/spf');

const TYPES = ['A', 'AAAA', 'MX', 'PTR', 'TXT', 'SPF', 'CNAME'];

function loadZone(zonedata) {
    const zone = new Map();
    const timeouts = new Set();
    const put = (k, v) => (zone.has(k) ? zone.get(k).push(v) : zone.set(k, [v]));
    for (const [rawName, records] of Object.entries(zonedata)) {
        const name = rawName.toLowerCase().replace(/\.$/, '');
        const answered = new Set();
        let timedOut = false;
        let txtListed = false;
        const spfCopy = [];
        for (const r of records) {
            if (r === 'TIMEOUT') {
                if (!timedOut && !answered.has('CNAME')) {
                    for (const t of TYPES) if (!answered.has(t)) timeouts.add(`${name}|${t}`);
                }
                timedOut = true;
                continue;
            }
            const [t, v] = Object.entries(r)[0];
            if (t === 'TXT') txtListed = true;
            if (v === 'NONE') continue;
            let value = v;
            if (t === 'TXT' || t === 'SPF') {
                value = Array.isArray(v) ? v : [v];
                if (t === 'SPF') spfCopy.push(value);
            } else if (t === 'MX') {
                value = { priority: Number(v[0]), exchange: String(v[1]).replace(/\.$/, '') };
            } else if (t === 'PTR' || t === 'CNAME') {
                value = String(v).replace(/\.$/, '');
            }
            put(`${name}|${t}`, value);
            if (!timedOut) answered.add(t);
        }
        if (!txtListed) for (const v of spfCopy) put(`${name}|TXT`, v);
    }
    return { zone, timeouts };
}

function makeResolver({ zone, timeouts }) {
    return async (domain, type) => {
        let name = String(domain).toLowerCase().replace(/\.$/, '');
        for (let hops = 0; hops < 9; hops++) {
            if (timeouts.has(`${name}|${type}`)) {
                const e = new Error(`DNS timeout for ${name}`);
                e.code = 'ETIMEOUT';
                throw e;
            }
            const vals = zone.get(`${name}|${type}`);
            if (vals && vals.length) return vals;
            const cname = zone.get(`${name}|CNAME`);
            if (!cname) {
                const exists = TYPES.some(t => zone.has(`${name}|${t}`));
                const e = new Error(`${exists ? 'no data' : 'no such domain'} for ${name}`);
                e.code = exists ? 'ENODATA' : 'ENOTFOUND';
                throw e;
            }
            name = cname[0];
        }
        const e = new Error('CNAME loop');
        e.code = 'ESERVFAIL';
        throw e;
    };
}

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
