#!/usr/bin/env node
// mailauth 4.x (npm) authenticate() on the whole-message workload of dev.aligned.bench.auth.WholeMessageBenchmark,
// looping inside one node process (start-up not measured): the same message, client IP, HELO and MAIL FROM, DNS
// answered from memory out of workloads/auth/auth-dns.json (the resolver mailauth is given does no I/O).
// ARC and BIMI are disabled (Aligned does neither); SPF, DKIM and DMARC run as in an MTA.
// Prints one JSON line: authentications per wall second and per CPU-second of the process (user + system) over
// the timed loop, after a warm-up of the same length.
// Usage: node auth_mailauth.js [MESSAGE.eml] [SECONDS]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { authenticate } = require('mailauth');
const { loadZone, makeResolver } = require('./zonedata_resolver.js');

const workloads = path.join(__dirname, '..', 'src', 'main', 'resources', 'workloads');

async function main() {
    const file = process.argv[2] || path.join(workloads, 'dkim', 'msg-4k-rsa.eml');
    const seconds = Number(process.argv[3] || 10);
    const message = fs.readFileSync(file);
    const resolver = makeResolver(loadZone(JSON.parse(fs.readFileSync(path.join(workloads, 'auth', 'auth-dns.json')))));
    const opts = { ip: '192.0.2.25', helo: 'mail.example.com', sender: 'bounces@example.com', mta: 'mx.example.org',
        resolver, disableArc: true, disableBimi: true };
    const once = () => authenticate(message, opts);
    const first = await once();
    const verdict = [first.spf.status.result, first.dkim.results.map(r => r.status.result).join(','),
        first.dmarc.status.result];
    if (verdict.join(' ') !== 'pass pass pass') {
        throw new Error(`workload does not pass in mailauth: spf/dkim/dmarc = ${verdict.join(' ')}`);
    }
    const loop = async secs => {
        const start = process.hrtime.bigint();
        const cpu0 = process.cpuUsage();
        let n = 0;
        const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
        while (elapsed() < secs) {
            for (let i = 0; i < 50; i++) await once();
            n += 50;
        }
        const cpu = process.cpuUsage(cpu0);
        return { n, secs: elapsed(), cpu: (cpu.user + cpu.system) / 1e6 };
    };
    await loop(seconds); // warm-up
    const { n, secs, cpu } = await loop(seconds);
    const version = require('mailauth/package.json').version;
    console.log(JSON.stringify({ peer: `mailauth ${version}`, message: path.basename(file), authentications: n,
        seconds: Number(secs.toFixed(3)), cpu_seconds: Number(cpu.toFixed(3)), per_second: Number((n / secs).toFixed(1)),
        per_cpu_second: Number((n / cpu).toFixed(1)), results: verdict.join(' ') }));
}

main().catch(e => { console.error(e); process.exit(1); });
