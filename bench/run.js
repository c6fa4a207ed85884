#!/usr/bin/env node
// `npm run bench`: kstream against kcat on one broker in one run; prints records/s and ratios.
// Set KSTREAM_BENCH_BROKERS to use a running broker, KSTREAM_BENCH_RECORDS to change the size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startBroker, stopBroker } from '../dist/local/broker.js';

const suites = [];
for (const name of ['produce', 'consume', 'pipeline', 'db']) {
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
const work = mkdtempSync(join(tmpdir(), 'kstream-bench-'));
let brokers = process.env.KSTREAM_BENCH_BROKERS;
let dataDir;
if (!brokers) {
  dataDir = join(work, 'broker');
  const state = await startBroker({ dataDir, port: await freePort(), waitMs: 180_000, env: process.env, onProgress: (l) => console.error(l) });
  brokers = state.bootstrap;
}
console.error(`bench: ${records} records of ~100 bytes, broker ${brokers}, ${suites.map((s) => s.name).join(', ')}`);

const rows = [];
try {
  for (const suite of suites) rows.push(...(await suite.run({ brokers, records, work })));
} finally {
  if (dataDir) await stopBroker(dataDir, { clean: true });
  rmSync(work, { recursive: true, force: true });
}

// Each row: { case, kstream, kcat } in records/s (kcat may be absent where it has no equivalent).
const pad = (s, n) => String(s).padEnd(n);
console.log(pad('case', 34) + pad('kstream rec/s', 16) + pad('kcat rec/s', 16) + 'kstream/kcat');
for (const r of rows) {
  const ratio = r.kcat ? (r.kstream / r.kcat).toFixed(2) : '-';
  console.log(pad(r.case, 34) + pad(r.kstream, 16) + pad(r.kcat ?? '-', 16) + ratio);
}
