'use strict';
// Answers mailauth's DNS questions from OpenSPF-style zonedata (the conventions of Aligned's ZoneData):
// ENOTFOUND for NXDOMAIN, ENODATA for NODATA, ETIMEOUT for a name marked TIMEOUT; CNAMEs followed.
// Shared by spf_mailauth.js, auth_mailauth.js and dmarc-crosscheck/crosscheck_mailauth.js.
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

module.exports = { loadZone, makeResolver };
