import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRINT_FLAGS, kcatJsonFormat, printFlagsFormat, type ConsumedRecord, type Part, type PrintFlags } from '../../src/commands/consume/format.js';
import { OutBuffer } from '../../src/commands/consume/out-buffer.js';
import { formatSpec, recordFormatter, renderer, type OutputSpec } from '../../src/commands/consume/render.js';
import { crc32c } from '../../src/kafka/codec/crc32c.js';
import { BatchReader, RecordCursor } from '../../src/kafka/codec/decode-batch.js';

// Records are written by kafkajs's encoder, read by the cursor and printed by the renderer; the same
// records as kafkajs-shaped objects go through format.ts (the group path). Both must print the same bytes.
const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch(o: Record<string, unknown>): Promise<{ buffer: Buffer }> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: Record<string, unknown>) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromValue(v: number): unknown };

const BASE_TS = 1_700_000_000_000;
const BASE_OFFSET = 1_000_000_007;

interface Input {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytes(rand: () => number, text: boolean): Buffer {
  const len = rand() < 0.2 ? 0 : Math.floor(rand() * (rand() < 0.1 ? 3000 : 40));
  if (text) return Buffer.from(Array.from({ length: len }, () => 'aZ9 "\\\n\té€😀\u0001'[Math.floor(rand() * 14)]).join(''));
  return Buffer.from(Array.from({ length: len }, () => Math.floor(rand() * 256)));
}

function inputs(seed: number, count: number): Input[] {
  const rand = rng(seed);
  return Array.from({ length: count }, () => {
    const text = rand() < 0.6;
    const headers: Input['headers'] = {};
    const n = rand() < 0.5 ? 0 : Math.floor(rand() * 5);
    // Header values as UTF-8 text: format.ts decodes them to strings, the renderer copies bytes; equal for text.
    for (let i = 0; i < n; i++) {
      const name = rand() < 0.3 ? '7' : `h-${Math.floor(rand() * 3)}`;
      const v = bytes(rand, true);
      const seen = headers[name];
      headers[name] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
    }
    return { key: rand() < 0.2 ? null : bytes(rand, text), value: rand() < 0.15 ? null : bytes(rand, text), headers };
  });
}

async function batchOf(records: Input[], attributes = 0): Promise<Buffer> {
  const batch = await RecordBatch({
    firstOffset: Long.fromValue(BASE_OFFSET),
    firstTimestamp: BASE_TS,
    maxTimestamp: BASE_TS,
    lastOffsetDelta: records.length - 1,
    records: records.map((r, i) => Record({ offsetDelta: i, timestampDelta: i * 3, key: r.key, value: r.value, headers: r.headers })),
  });
  const buf = batch.buffer;
  if (attributes) {
    // LogAppendTime: every record gets the batch's max timestamp (BASE_TS), whatever its delta.
    buf.writeInt16BE(attributes, 21);
    buf.writeInt32BE(Math.floor(BASE_TS / 2 ** 32), 35);
    buf.writeUInt32BE(BASE_TS % 2 ** 32, 39);
    buf.writeUInt32BE(crc32c(buf.subarray(21)), 17);
  }
  return buf;
}

/** `staged`: the batch is first copied into the output buffer (OutBuffer.stage), as the fetch path does. */
function viaRenderer(spec: OutputSpec, batch: Buffer, staged = false): Buffer {
  const render = renderer(spec, 'orders.v1');
  const out = new OutBuffer(staged ? 4096 : 16);
  const reader = new BatchReader(batch);
  const cursor = new RecordCursor();
  cursor.partition = 2;
  for (let b = reader.next(); b; b = reader.next()) {
    cursor.reset(b, staged ? out.stage(b.records) : b.records);
    while (cursor.next()) render(cursor, out);
  }
  return Buffer.from(out.view());
}

function viaFormat(spec: OutputSpec, records: Input[], attributes = 0): Buffer {
  const format = recordFormatter(spec);
  const parts: Part[] = [];
  records.forEach((r, i) => {
    const rec: ConsumedRecord = {
      topic: 'orders.v1', partition: 2, offset: String(BASE_OFFSET + i), timestamp: String(BASE_TS + i * 3),
      key: r.key, value: r.value, headers: r.headers, attributes,
    };
    format(rec, parts);
  });
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

const flags = (over: Partial<PrintFlags>): PrintFlags => ({ ...DEFAULT_PRINT_FLAGS, ...over });

const SPECS: Array<[string, OutputSpec]> = [
  ['plain', { kind: 'flags', flags: flags({}), encoding: 'utf8' }],
  ['plain hex', { kind: 'flags', flags: flags({}), encoding: 'hex' }],
  ['all print flags', { kind: 'flags', flags: flags({ key: true, partition: true, offset: true, timestamp: true, headers: true, separator: ' | ' }), encoding: 'utf8' }],
  ['print flags base64', { kind: 'flags', flags: flags({ key: true, headers: true }), encoding: 'base64' }],
  ['print topic', { kind: 'flags', flags: flags({ topic: true, offset: true }), encoding: 'utf8' }],
  ['kcat format', formatSpec('%t|%p|%o|%T|%k|%s|%h|%K|%S\\n', 'utf8')],
  ['kcat format %s\\n', formatSpec('%s\\n', 'utf8')],
  ['kcat format hex', formatSpec('%k=%s 100%%\\r\\n', 'hex')],
  ['json', { kind: 'json', encoding: 'utf8' }],
  ['json base64', { kind: 'json', encoding: 'base64' }],
  ['json hex', { kind: 'json', encoding: 'hex' }],
  // Outputs formatted from a record object on the fetch path too.
  ['kcat -J', { kind: 'records', formatter: kcatJsonFormat() }],
  ['print.* with other separators', { kind: 'records', formatter: printFlagsFormat(flags({ key: true, headers: true, lineSeparator: '\r\n', headersSeparator: ';', nullLiteral: 'NIL' })) }],
];

describe('renderer (fetch path) prints what format.ts (group path) prints', () => {
  for (const [name, spec] of SPECS) {
    it(name, async () => {
      for (let seed = 1; seed <= 20; seed++) {
        const records = inputs(seed, 1 + (seed % 7) * 9);
        const attributes = seed % 3 === 0 ? 0x08 : 0;
        const batch = await batchOf(records, attributes);
        const expected = attributes ? viaFormatLogAppend(spec, records) : viaFormat(spec, records);
        expect(viaRenderer(spec, batch, true).equals(expected), `staged, seed ${seed}`).toBe(true);
        expect(viaRenderer(spec, batch).equals(expected), `seed ${seed}\n${viaRenderer(spec, batch).toString('latin1').slice(0, 400)}\n---\n${expected.toString('latin1').slice(0, 400)}`).toBe(true);
      }
    });
  }
});

/** With LogAppendTime, the timestamp of every record is the batch's, and print-timestamp says so. */
function viaFormatLogAppend(spec: OutputSpec, records: Input[]): Buffer {
  const format = recordFormatter(spec);
  const parts: Part[] = [];
  records.forEach((r, i) => {
    format({ topic: 'orders.v1', partition: 2, offset: String(BASE_OFFSET + i), timestamp: String(BASE_TS), key: r.key, value: r.value, headers: r.headers, attributes: 0x08 }, parts);
  });
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

describe('OutBuffer', () => {
  it('writes numbers, text and bytes, growing as needed', () => {
    const out = new OutBuffer(4);
    for (const n of [0, 7, 10, 99, 1234567890123, -1, 2 ** 53 - 1]) {
      out.int(n);
      out.byte(0x20);
    }
    out.utf8('é😀');
    out.bytes(Buffer.alloc(100, 0x61), 10, 70);
    expect(out.view().toString()).toBe(`0 7 10 99 1234567890123 -1 ${2 ** 53 - 1} é😀${'a'.repeat(60)}`);
  });
});
