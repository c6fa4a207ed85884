#!/usr/bin/env node
// `npm run bench`: kstream against kcat on one broker in one run; prints records/s and ratios.
// Each case runs KSTREAM_BENCH_ROUNDS times (default 3), the tools alternating; a rate is the
// median of its rounds, RSS the highest, and 'rounds' lists each round's ratio to kcat.
// Set KSTREAM_BENCH_BROKERS to use a running broker, KSTREAM_BENCH_RECORDS to change the size,
// KSTREAM_BENCH_SUITES (e.g. "pipeline" or "produce,consume") to run only some suites, and
// KSTREAM_BENCH_LARGE (e.g. 10000000) to add produce and consume rows at that size, kstream and
// kcat only: their RSS beside the default rows' shows whether memory stays flat.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startBroker, stopBroker } from '../dist/local/broker.js';
import { ROUNDS } from './lib.js';

const suites = [];
const only = process.env.KSTREAM_BENCH_SUITES?.split(',').map((s) => s.trim());
for (const name of ['produce', 'consume', 'pipeline', 'db', 'serde'].filter((n) => !only || only.includes(n))) {
  try {
    suites.push({ name, run: (await import(`./${name}.js`)).run });
  } catch (err) {
    if (err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
}

if (spawnSync('kcat', ['-V']).error) {
  console.error('error: kcat is not installed (Debian: apt-get install kcat); the benchmark compares against it');
  process.exit(1);
}

const records = Number(process.env.KSTREAM_BENCH_RECORDS ?? 1_000_000);
const large = Number(process.env.KSTREAM_BENCH_LARGE ?? 0);
const work = mkdtempSync(join(tmpdir(), 'kstream-bench-'));
let brokers = process.env.KSTREAM_BENCH_BROKERS;
let dataDir;
if (!brokers) {
  dataDir = join(work, 'broker');
  const state = await startBroker({ dataDir, port: await freePort(), waitMs: 180_000, env: process.env, onProgress: (l) => console.error(l) });
  brokers = state.bootstrap;
}
console.error(`bench: ${records} records of ~100 bytes${large ? ` (and ${large})` : ''}, ${ROUNDS} rounds each, broker ${brokers}, ${suites.map((s) => s.name).join(', ')}`);

const rows = [];
try {
  for (const suite of suites) rows.push(...(await suite.run({ brokers, records, work })));
  for (const suite of suites.filter((s) => large && (s.name === 'produce' || s.name === 'consume'))) {
    rows.push(...(await suite.run({ brokers, records: large, work, java: false })));
  }
} finally {
  if (dataDir) await stopBroker(dataDir, { clean: true });
  rmSync(work, { recursive: true, force: true });
}

// Each row: { case, kstream, kcat, java } in records/s, peak RSS in MB as kstreamRss, kcatRss,
// javaRss (any may be absent where a tool has no equivalent or GNU time is missing), and ratios.
const pad = (s, n) => String(s ?? '-').padEnd(n);
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '-');
const mb = (v) => (v === undefined ? '-' : `${v} MB`);
console.log(pad('case', 34) + pad('kstream rec/s', 15) + pad('RSS', 9) + pad('kcat rec/s', 13) + pad('RSS', 9) + pad('java rec/s', 13) + pad('RSS', 9) + pad('vs kcat', 9) + pad('vs java', 9) + 'rounds vs kcat');
for (const r of rows) {
  console.log(pad(r.case, 34) + pad(r.kstream, 15) + pad(mb(r.kstreamRss), 9) + pad(r.kcat, 13) + pad(mb(r.kcatRss), 9) +
    pad(r.java, 13) + pad(mb(r.javaRss), 9) + pad(ratio(r.kstream, r.kcat), 9) + pad(ratio(r.kstream, r.java), 9) + (r.ratios ?? []).map((x) => x.toFixed(2)).join(' '));
}
