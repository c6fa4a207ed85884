// Records written by kstream's own batch encoder, read back by two independent implementations:
// Kafka's Java ConsoleConsumer (kafka-tools 3.9.2) and kcat (librdkafka), for every codec, with
// keys, headers, null and empty keys and values, and binary bytes compared as hex.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { brokers, runCli } from '../helpers/cli.js';
import { ensureKafkaTools, runJava } from '../helpers/kafka-tools.js';
import { createTopic } from '../helpers/produce.js';

// Separators the test data never contains, so raw output splits unambiguously.
const FS = '\x1f';
const RS = '\x1e';
const HS = '\x1d';
const FORBIDDEN = new Set([0x1c, 0x1d, 0x1e, 0x1f]);

interface Rec {
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, string][];
}

/** Deterministic bytes, so a failure repeats. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

function bytes(r: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    let x = Math.floor(r() * 256);
    while (FORBIDDEN.has(x)) x = Math.floor(r() * 256);
    b[i] = x;
  }
  return b;
}

function records(seed: number): Rec[] {
  const r = rng(seed);
  const out: Rec[] = [
    { key: null, value: null, headers: [] },
    { key: Buffer.alloc(0), value: Buffer.alloc(0), headers: [['only', '']] },
    // Larger than snappy-java's 32 KiB and LZ4's 64 KiB blocks: several blocks in one batch.
    { key: Buffer.from('big'), value: bytes(r, 300_000), headers: [] },
  ];
  for (let i = 0; i < 150; i++) {
    const headers: [string, string][] = [];
    for (let h = Math.floor(r() * 4); h > 0; h--) headers.push([`h${h}`, `v${Math.floor(r() * 1000)}`]);
    out.push({ key: r() < 0.2 ? null : bytes(r, Math.floor(r() * 20)), value: bytes(r, 1 + Math.floor(r() * 200)), headers });
  }
  return out;
}

/** The records as `produce --input json` lines, bytes in base64. */
function envelopes(recs: Rec[]): string {
  return recs.map((rec) => {
    const e: Record<string, unknown> = {
      key: rec.key?.toString('base64') ?? null, keyEncoding: 'base64',
      value: rec.value?.toString('base64') ?? null, valueEncoding: 'base64',
    };
    if (rec.headers.length) {
      const h: Record<string, string[]> = {};
      for (const [k, v] of rec.headers) (h[k] ??= []).push(v);
      e.headers = h;
    }
    return JSON.stringify(e) + '\n';
  }).join('');
}

const hex = (b: Buffer | null) => (b === null ? 'null' : b.toString('hex'));
const expected = (recs: Rec[]) => recs.map((r) => ({ key: hex(r.key), value: hex(r.value), headers: r.headers.map(([k, v]) => `${k}=${v}`).join(',') }));

function split(out: Buffer): Buffer[][] {
  const rows: Buffer[][] = [];
  let start = 0;
  for (let at = out.indexOf(RS, start); at !== -1; at = out.indexOf(RS, start)) {
    const row = out.subarray(start, at);
    const fields: Buffer[] = [];
    let s = 0;
    for (let f = row.indexOf(FS, s); f !== -1; f = row.indexOf(FS, s)) {
      fields.push(row.subarray(s, f));
      s = f + 1;
    }
    fields.push(row.subarray(s));
    rows.push(fields);
    start = at + 1;
  }
  return rows;
}

/** ConsoleConsumer prints headers, key and value raw; a null key or value as the text "null". */
async function readWithJava(topic: string, n: number) {
  const r = await runJava('org.apache.kafka.tools.consumer.ConsoleConsumer', [
    '--bootstrap-server', brokers(), '--topic', topic, '--from-beginning', '--max-messages', String(n), '--timeout-ms', '30000',
    '--property', 'print.key=true', '--property', 'print.headers=true', '--property', `key.separator=${FS}`,
    '--property', `headers.separator=${HS}`, '--property', `line.separator=${RS}`,
  ]);
  expect(r.code, r.stderr).toBe(0);
  return split(r.stdout).map(([headers, key, value]) => ({
    key: key!.toString() === 'null' ? 'null' : hex(key!),
    value: value!.toString() === 'null' ? 'null' : hex(value!),
    headers: headers!.toString() === 'NO_HEADERS' ? '' : headers!.toString().split(HS).map((h) => h.replace(':', '=')).join(','),
  }));
}

/** kcat prints lengths (-1 for null) beside the raw key and value, and headers as k=v,... */
function readWithKcat(topic: string) {
  const r = spawnSync('kcat', ['-b', brokers(), '-C', '-t', topic, '-e', '-q', '-f', `%K${FS}%k${FS}%S${FS}%s${FS}%h${RS}`], { timeout: 60_000, maxBuffer: 64 << 20 });
  expect(r.status, String(r.stderr)).toBe(0);
  return split(r.stdout).map(([klen, key, vlen, value, headers]) => ({
    key: klen!.toString() === '-1' ? 'null' : hex(key!),
    value: vlen!.toString() === '-1' ? 'null' : hex(value!),
    headers: headers!.toString(),
  }));
}

describe('records kstream produced, read by Kafka\'s Java consumer and by kcat', () => {
  beforeAll(() => void ensureKafkaTools(), 600_000);

  for (const [i, codec] of (['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).entries()) {
    it(`are the same bytes with --compression ${codec}`, async () => {
      const topic = await createTopic(`interop-${codec}`, 1);
      const recs = records(17 + i);
      const p = await runCli(['produce', topic, '--input', 'json', '-z', codec, '-q'], { input: envelopes(recs) });
      expect(p.code, p.stderr).toBe(0);
      const want = expected(recs);
      expect(await readWithJava(topic, recs.length)).toEqual(want);
      expect(readWithKcat(topic)).toEqual(want);
    }, 120_000);
  }

  it('are the same bytes from text lines split at a key separator, across partitions', async () => {
    const topic = await createTopic('interop-text', 3);
    const r = rng(5);
    const lines = Array.from({ length: 2000 }, (_, i) => `k${i % 13}:${bytes(r, 50).toString('latin1').replace(/[\n\r:]/g, 'x')}`);
    const input = Buffer.from(lines.join('\n') + '\n', 'latin1');
    const p = await runCli(['produce', topic, '-K:', '-H', 'src=kstream', '-z', 'lz4', '-q'], { input });
    expect(p.code, p.stderr).toBe(0);
    const sorted = (rows: { key: string; value: string; headers: string }[]) => rows.map((x) => `${x.key} ${x.value} ${x.headers}`).sort();
    const want = lines.map((l) => {
      const raw = Buffer.from(l, 'latin1');
      const at = raw.indexOf(':');
      return { key: hex(raw.subarray(0, at)), value: hex(raw.subarray(at + 1)), headers: 'src=kstream' };
    });
    expect(sorted(await readWithJava(topic, lines.length))).toEqual(sorted(want));
    expect(sorted(readWithKcat(topic))).toEqual(sorted(want));
  }, 120_000);
});
