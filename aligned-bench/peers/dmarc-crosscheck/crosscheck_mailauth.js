#!/usr/bin/env node
// mailauth's side of the DMARC cross-check: evaluates every scenario of scenarios.json with mailauth's dmarc
// module (the function authenticate() calls) and prints one JSON line per scenario.
// mailauth takes the authenticated identifiers as domain lists (passing SPF MAIL FROM domain, passing DKIM d=)
// and returns the result, p/sp and the policy that applies; it leaves pct and the disposition to the caller,
// so the disposition here is the policy on fail and none otherwise (what its README shows an MTA doing).
// Usage: node crosscheck_mailauth.js scenarios.json
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { dmarc } = require(path.join(__dirname, '..', 'node_modules', 'mailauth', 'lib', 'dmarc'));
const { loadZone, makeResolver } = require(path.join(__dirname, '..', 'zonedata_resolver.js'));

async function main() {
    const { scenarios } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
    for (const sc of scenarios) {
        const base = makeResolver(loadZone(sc.zonedata));
        const queries = [];
        const resolver = async (name, type) => {
            queries.push(`${type} ${name}`);
            return base(name, type);
        };
        const spfDomains = sc.spf && sc.spf.result === 'pass' ? [sc.spf.domain] : [];
        const dkimDomains = sc.dkim.filter(d => d.result === 'pass').map(d => ({ domain: d.domain }));
        let out;
        try {
            const r = await dmarc({ headerFrom: `user@${sc.from}`, spfDomains, dkimDomains, resolver });
            if (r === false) {
                out = { result: 'false', policy: null, disposition: 'none' };
            } else {
                const result = r.status.result;
                const policy = r.policy ? String(r.policy).toLowerCase() : null;
                out = { result, policy, disposition: result === 'fail' && policy ? policy : 'none',
                    pct: r.pct === undefined ? null : r.pct };
            }
        } catch (e) {
            out = { result: 'exception', policy: null, disposition: 'none', error: String(e && e.message) };
        }
        console.log(JSON.stringify({ id: sc.id, ...out, queries }));
    }
}

main().catch(e => { console.error(e); process.exit(1); });
