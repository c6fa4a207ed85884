import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/kafka/codec/crc32c.js';
import { BatchReader, RecordCursor, type BatchHeader } from '../../src/kafka/codec/decode-batch.js';
import { CorruptBatchError } from '../../src/kafka/codec/decode-error.js';
import { batchRecords } from '../../src/kafka/codec/decompress.js';

// kafkajs's own RecordBatch v2 encoder is the independent writer these tests check the reader against.
const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch(opts: Record<string, unknown>): Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (opts: Record<string, unknown>) => unknown;

/** kafkajs ships gzip only; its snappy, lz4 and zstd writers come from these packages (raw snappy, LZ4 frame, zstd). */
function registerKafkajsCodecs(): void {
  const { Codecs } = require('kafkajs/src/protocol/message/compression') as { Codecs: Record<number, () => unknown> };
  const snappy = require('kafkajs-snappy')();
  const lz4 = require('lz4-napi') as { compressFrame(b: Buffer): Promise<Buffer> };
  const zstd = require('@mongodb-js/zstd') as { compress(b: Buffer, level: number): Promise<Buffer> };
  Codecs[2] = () => snappy;
  Codecs[3] = () => ({ compress: (e: { buffer: Buffer }) => lz4.compressFrame(e.buffer) });
  Codecs[4] = () => ({ compress: (e: { buffer: Buffer }) => zstd.compress(e.buffer, 3) });
}
registerKafkajsCodecs();

interface TestRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  timestampDelta: number;
}

interface Decoded {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
}

/** A small deterministic PRNG (mulberry32), so a failing case can be re-run from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(rand: () => number, max: number): Buffer {
  const pick = rand();
  // Weighted towards the edges: empty, tiny, large.
  const len = pick < 0.15 ? 0 : pick < 0.8 ? Math.floor(rand() * 64) : Math.floor(rand() * max);
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

function randomRecord(rand: () => number): TestRecord {
  const nullable = (max: number) => (rand() < 0.2 ? null : randomBytes(rand, max));
  const headerCount = rand() < 0.5 ? 0 : Math.floor(rand() * (rand() < 0.1 ? 40 : 4));
  const headers: Array<[string, Buffer | null]> = [];
  for (let i = 0; i < headerCount; i++) {
    // kafkajs writes header keys as strings; repeated names are allowed.
    const name = rand() < 0.3 ? 'dup' : `h${Math.floor(rand() * 1000)}-ü`;
    // kafkajs cannot write a null header value (Buffer.byteLength(null) throws), so none here.
    headers.push([name, randomBytes(rand, 300)]);
  }
  return { key: nullable(200), value: nullable(rand() < 0.05 ? 200_000 : 2_000), headers, timestampDelta: Math.floor(rand() * 100_000) };
}

async function encodeBatch(records: TestRecord[], opts: { compression?: number; baseOffset?: number; baseTimestamp?: number } = {}): Promise<Buffer> {
  const Long = require('kafkajs/src/utils/long') as { fromValue(v: number | string): unknown };
  const encoded = records.map((r, i) =>
    Record({
      offsetDelta: i,
      timestampDelta: r.timestampDelta,
      key: r.key,
      value: r.value,
      // kafkajs takes headers as an object; a repeated name becomes an array in record order.
      headers: r.headers.reduce<Record<string, Array<Buffer | null>>>((acc, [k, v]) => {
        (acc[k] ??= []).push(v);
        return acc;
      }, {}),
    }),
  );
  const batch = await RecordBatch({
    compression: opts.compression ?? 0,
    firstOffset: Long.fromValue(opts.baseOffset ?? 0),
    firstTimestamp: opts.baseTimestamp ?? 1_700_000_000_000,
    maxTimestamp: opts.baseTimestamp ?? 1_700_000_000_000,
    lastOffsetDelta: Math.max(records.length - 1, 0),
    records: encoded,
  });
  return batch.buffer;
}

/** kafkajs groups headers by name (first-seen order); this is the same grouping, for comparison. */
function grouped(headers: Array<[string, Buffer | null]>): Array<[string, Buffer | null]> {
  const order: string[] = [];
  const byName = new Map<string, Array<Buffer | null>>();
  for (const [k, v] of headers) {
    if (!byName.has(k)) {
      order.push(k);
      byName.set(k, []);
    }
    byName.get(k)!.push(v);
  }
  return order.flatMap((k) => byName.get(k)!.map((v) => [k, v] as [string, Buffer | null]));
}

async function decodeAll(bytes: Buffer): Promise<{ batches: BatchHeader[]; records: Decoded[]; partialSize: number }> {
  const reader = new BatchReader(bytes, 'test-0');
  const cursor = new RecordCursor();
  const batches: BatchHeader[] = [];
  const records: Decoded[] = [];
  for (let batch = reader.next(); batch; batch = reader.next()) {
    batches.push(batch);
    cursor.reset(batch, await batchRecords(batch, 'test-0'), 'test-0');
    while (cursor.next()) {
      const slice = (s: number, e: number) => (s < 0 ? null : Buffer.from(cursor.buf.subarray(s, e)));
      const headers: Array<[string, Buffer | null]> = [];
      for (let ok = cursor.firstHeader(); ok; ok = cursor.nextHeader()) {
        headers.push([cursor.buf.toString('utf8', cursor.hKeyStart, cursor.hKeyEnd), slice(cursor.hValueStart, cursor.hValueEnd)]);
      }
      records.push({ offset: cursor.offset, timestamp: cursor.timestamp, key: slice(cursor.keyStart, cursor.keyEnd), value: slice(cursor.valueStart, cursor.valueEnd), headers });
    }
  }
  return { batches, records, partialSize: reader.partialSize };
}

/** Recomputes the CRC of a (tampered) batch at `start`, so deeper checks than the CRC are reached. */
function fixCrc(buf: Buffer, start = 0): Buffer {
  const end = start + 12 + buf.readInt32BE(start + 8);
  buf.writeUInt32BE(crc32c(buf.subarray(start + 21, end)), start + 17);
  return buf;
}

const CODECS = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

describe('record batch decoder against kafkajs encoder', () => {
  for (const [name, code] of Object.entries(CODECS)) {
    it(`decodes random records exactly (${name})`, async () => {
      for (let seed = 1; seed <= 25; seed++) {
        const rand = rng(seed * 7919 + code);
        const count = Math.floor(rand() * (rand() < 0.1 ? 500 : 20)) + 1;
        const records = Array.from({ length: count }, () => randomRecord(rand));
        const baseOffset = Math.floor(rand() * 2 ** 40);
        const baseTimestamp = 1_600_000_000_000 + Math.floor(rand() * 1e11);
        const bytes = await encodeBatch(records, { compression: code, baseOffset, baseTimestamp });
        const out = await decodeAll(bytes);
        expect(out.batches).toHaveLength(1);
        expect(out.batches[0]!.compression).toBe(code);
        expect(out.partialSize).toBe(0);
        expect(out.records, `seed ${seed}`).toEqual(
          records.map((r, i) => ({ offset: baseOffset + i, timestamp: baseTimestamp + r.timestampDelta, key: r.key, value: r.value, headers: grouped(r.headers) })),
        );
      }
    });
  }

  it('walks several batches in one record set and stops before a batch cut off at the end', async () => {
    const a = await encodeBatch([{ key: null, value: Buffer.from('a'), headers: [], timestampDelta: 0 }], { baseOffset: 0 });
    const b = await encodeBatch([{ key: Buffer.from('k'), value: Buffer.from('b'), headers: [], timestampDelta: 1 }], { baseOffset: 1 });
    const c = await encodeBatch([{ key: null, value: Buffer.alloc(100, 1), headers: [], timestampDelta: 2 }], { baseOffset: 2 });
    const out = await decodeAll(Buffer.concat([a, b, c.subarray(0, 40)]));
    expect(out.records.map((r) => r.value?.toString())).toEqual(['a', 'b']);
    expect(out.partialSize).toBe(c.length);
    expect((await decodeAll(Buffer.concat([a, c.subarray(0, 5)]))).partialSize).toBe(12);
  });

  it('gives every record the batch time when the broker stamped it (LogAppendTime)', async () => {
    const bytes = await encodeBatch([
      { key: null, value: Buffer.from('a'), headers: [], timestampDelta: 0 },
      { key: null, value: Buffer.from('b'), headers: [], timestampDelta: 7 },
    ], { baseTimestamp: 1000 });
    bytes.writeInt16BE(0x08, 21);
    bytes.writeInt32BE(0, 35);
    bytes.writeUInt32BE(5000, 39);
    const out = await decodeAll(fixCrc(bytes));
    expect(out.records.map((r) => r.timestamp)).toEqual([5000, 5000]);
  });

  it('reads snappy batches in the xerial framing Java clients write', async () => {
    const snappy = require('snappyjs') as { compress(b: Buffer): Buffer };
    const plain = await encodeBatch([
      { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [['h', Buffer.from('x')]], timestampDelta: 0 },
      { key: null, value: Buffer.from('v2'), headers: [], timestampDelta: 5 },
    ]);
    const records = plain.subarray(61);
    // Two xerial blocks, split mid-record: the frame is one stream.
    const parts = [records.subarray(0, 7), records.subarray(7)].map((p) => snappy.compress(Buffer.from(p)));
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    const frame = Buffer.concat([header, ...parts.flatMap((p) => [Buffer.from([0, 0, 0, 0].map((_, i) => (p.length >>> (24 - 8 * i)) & 0xff)), p])]);
    const batch = Buffer.concat([plain.subarray(0, 61), frame]);
    batch.writeInt32BE(batch.length - 12, 8);
    batch.writeInt16BE(2, 21); // snappy
    const out = await decodeAll(fixCrc(batch));
    expect(out.records.map((r) => [r.key?.toString() ?? null, r.value?.toString(), r.headers.length])).toEqual([['k1', 'v1', 1], [null, 'v2', 0]]);
  });
});

describe('record batch decoder on corrupt bytes', () => {
  const one = () => encodeBatch([{ key: Buffer.from('key'), value: Buffer.from('value'), headers: [['h', Buffer.from('v')]], timestampDelta: 3 }], { baseOffset: 42 });

  async function failure(bytes: Buffer): Promise<CorruptBatchError> {
    const err = await decodeAll(bytes).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptBatchError);
    const e = err as CorruptBatchError;
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain('in test-0');
    return e;
  }

  it('rejects a batch whose CRC does not match', async () => {
    const bytes = await one();
    bytes[bytes.length - 3] ^= 0x01;
    expect((await failure(bytes)).message).toMatch(/CRC mismatch in the batch at offset 42 \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/);
  });

  it('rejects a batch that claims more records than it holds', async () => {
    const bytes = await one();
    bytes.writeInt32BE(2, 57);
    expect((await failure(fixCrc(bytes))).message).toMatch(/ends inside a varint/);
  });

  it('rejects a record whose length runs past its batch', async () => {
    const bytes = await one();
    bytes[61] = 0x7e; // length varint 63: far more than the record has
    expect((await failure(fixCrc(bytes))).message).toMatch(/record of 63 bytes does not fit/);
  });

  it('rejects a varint longer than five bytes', async () => {
    const bytes = await one();
    bytes.fill(0xff, 61, 67);
    expect((await failure(fixCrc(bytes))).message).toMatch(/varint longer than 5 bytes/);
  });

  it('rejects a record whose fields do not fill its length', async () => {
    const bytes = await one();
    // The header count (after length, attributes, timestampDelta, offsetDelta, key and value) drops to 0.
    expect(bytes[75]).toBe(2);
    bytes[75] = 0;
    expect((await failure(fixCrc(bytes))).message).toMatch(/record at offset 42 has \d+ bytes but its fields take \d+/);
  });

  it('rejects a negative field length and bytes after the last record', async () => {
    const neg = await one();
    neg[65] = 0x05; // zigzag -3
    expect((await failure(fixCrc(neg))).message).toMatch(/negative length -3/);
    const extra = Buffer.concat([await one(), Buffer.from([0])]);
    extra.writeInt32BE(extra.readInt32BE(8) + 1, 8);
    expect((await failure(fixCrc(extra))).message).toMatch(/1 bytes after the last record/);
  });

  it('rejects a batch length shorter than a header, old record formats, and undecompressable data', async () => {
    const short = await one();
    short.writeInt32BE(10, 8);
    expect((await failure(short)).message).toMatch(/batch length 10 at byte 0 is shorter than a batch header/);
    const old = await one();
    old[16] = 1;
    expect((await failure(old)).message).toMatch(/record format v1 at offset 42/);
    const gz = await one();
    gz.writeInt16BE(1, 21);
    expect((await failure(fixCrc(gz))).message).toMatch(/cannot decompress the gzip batch at offset 42/);
  });

  it('survives random corruption without crashing: every outcome is records or a CorruptBatchError', async () => {
    const rand = rng(99);
    const base = await encodeBatch(Array.from({ length: 20 }, () => randomRecord(rand)));
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(base);
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++) bytes[61 + Math.floor(rand() * (bytes.length - 61))] = Math.floor(rand() * 256);
      const result = await decodeAll(fixCrc(bytes)).then(() => 'ok', (e: unknown) => e);
      if (result !== 'ok') expect(result).toBeInstanceOf(CorruptBatchError);
    }
  });
});
