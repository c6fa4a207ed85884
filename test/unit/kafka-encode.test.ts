import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compressorFor, xerialFrame } from '../../src/kafka/codec/compress.js';
import { BatchBuilder, encodeHeaders, NO_HEADERS, recordBytes, varintSize, writeVarint, type CompressionName } from '../../src/kafka/codec/encode.js';

// The independent reader: kafkajs's own RecordBatch decoder, with decompressors registered for
// the codecs kafkajs leaves out. It does not check the CRC, so the test does, with a table CRC.
const require = createRequire(import.meta.url);
const Decoder = require('kafkajs/src/protocol/decoder');
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<DecodedBatch>;
const { Codecs, Types } = require('kafkajs/src/protocol/message/compression') as { Codecs: Record<number, () => unknown>; Types: Record<string, number> };
const snappyReader = (require('kafkajs-snappy') as () => { decompress(b: Buffer): Promise<Buffer> })();
const lz4 = require('lz4-napi') as { decompressFrame(b: Buffer): Promise<Buffer> };
const zstd = require('@mongodb-js/zstd') as { decompress(b: Buffer): Promise<Buffer> };
Codecs[Types.Snappy!] = () => snappyReader;
Codecs[Types.LZ4!] = () => ({ decompress: (b: Buffer) => lz4.decompressFrame(b) });
Codecs[Types.ZSTD!] = () => ({ decompress: (b: Buffer) => zstd.decompress(b) });

interface DecodedBatch {
  firstOffset: string; firstTimestamp: string; maxTimestamp: string; producerId: string; producerEpoch: number;
  firstSequence: number; lastOffsetDelta: number; inTransaction: boolean;
  records: { key: Buffer | null; value: Buffer | null; timestamp: string; offset: string; headers: Record<string, Buffer | Buffer[] | null> }[];
}

interface TestRecord {
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: [Buffer, Buffer | null][];
}

/** Deterministic random numbers, so a failure names a seed that repeats it. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(r: () => number, max: number): Buffer {
  const n = r() < 0.2 ? 0 : Math.floor(r() * max);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

function randomRecord(r: () => number, base: number): TestRecord {
  const big = r() < 0.05;
  const headers: [Buffer, Buffer | null][] = [];
  const headerCount = r() < 0.5 ? 0 : Math.floor(r() * (r() < 0.1 ? 40 : 4));
  for (let i = 0; i < headerCount; i++) headers.push([randomBytes(r, 12), r() < 0.1 ? null : randomBytes(r, 30)]);
  return {
    // Timestamps may go backwards within a batch: the delta is signed.
    timestamp: base + Math.floor((r() - 0.3) * 100_000),
    key: r() < 0.3 ? null : randomBytes(r, 40),
    value: r() < 0.1 ? null : randomBytes(r, big ? 100_000 : 300),
    headers,
  };
}

/** Appends `records` at random offsets inside bigger buffers, as slices of input are. */
function build(records: TestRecord[], limit = 64 << 20): BatchBuilder {
  const builder = new BatchBuilder(limit);
  for (const rec of records) {
    const pad = (b: Buffer | null) => (b ? Buffer.concat([Buffer.from('xx'), b, Buffer.from('yyy')]) : null);
    const k = pad(rec.key);
    const v = pad(rec.value);
    const ok = builder.append(rec.timestamp, k, 2, 2 + (rec.key?.length ?? 0), v, 2, 2 + (rec.value?.length ?? 0), rec.headers.length ? encodeHeaders(rec.headers) : NO_HEADERS);
    expect(ok).toBe(true);
  }
  return builder;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function tableCrc32c(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function expectHeaders(actual: Record<string, Buffer | Buffer[] | null>, expected: [Buffer, Buffer | null][]): void {
  // kafkajs gathers headers into an object keyed by name (as UTF-8 text), repeats as arrays.
  const want: Record<string, (Buffer | null)[]> = {};
  for (const [k, v] of expected) (want[k.toString()] ??= []).push(v);
  const got: Record<string, (Buffer | null)[]> = {};
  for (const [k, v] of Object.entries(actual)) got[k] = Array.isArray(v) ? v : [v];
  expect(got).toEqual(want);
}

/** Byte equality without vitest's element-by-element diff, which is slow on large buffers. */
function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

const CODECS: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

describe('varints', () => {
  it('writes zig-zag varints as Kafka reads them, sizes matching', () => {
    const readVarLong = (buf: Buffer) => new Decoder(buf).readVarLong().toString();
    for (const n of [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, 8191, -8192, 8192, 2 ** 20 - 1, -(2 ** 20), 2 ** 27, -(2 ** 27) - 1,
      2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40 + 7, -(2 ** 45), Date.now()]) {
      const buf = Buffer.alloc(12);
      const end = writeVarint(buf, 0, n);
      expect(end).toBe(varintSize(n));
      expect(readVarLong(buf.subarray(0, end))).toBe(String(n));
    }
  });
});

describe('BatchBuilder', () => {
  for (const codec of CODECS) {
    it(`random records round-trip through kafkajs's decoder (${codec})`, async () => {
      const compress = compressorFor(codec);
      for (let seed = 1; seed <= 8; seed++) {
        const r = rng(seed * 7919 + codec.length);
        const base = 1_700_000_000_000 + seed;
        const records = Array.from({ length: 1 + Math.floor(r() * 150) }, () => randomRecord(r, base));
        const id = { producerId: 4242n + BigInt(seed), producerEpoch: seed, baseSequence: seed * 1000 };
        const batch = await build(records).seal(id, codec, compress);

        expect(batch.readInt32BE(8)).toBe(batch.length - 12);
        expect(batch.readUInt32BE(17)).toBe(tableCrc32c(batch.subarray(21)));
        expect(batch.readInt16BE(21) & 7).toBe(['none', 'gzip', 'snappy', 'lz4', 'zstd'].indexOf(codec));
        const decoded = await decodeBatch(new Decoder(batch));
        expect(decoded.producerId).toBe(String(id.producerId));
        expect(decoded.producerEpoch).toBe(id.producerEpoch);
        expect(decoded.firstSequence).toBe(id.baseSequence);
        expect(decoded.lastOffsetDelta).toBe(records.length - 1);
        expect(decoded.firstTimestamp).toBe(String(records[0]!.timestamp));
        expect(decoded.maxTimestamp).toBe(String(Math.max(...records.map((x) => x.timestamp))));
        expect(decoded.records).toHaveLength(records.length);
        decoded.records.forEach((got, i) => {
          const want = records[i]!;
          expect(got.offset).toBe(String(i));
          expect(got.timestamp).toBe(String(want.timestamp));
          expect(sameBytes(got.key, want.key), `key of record ${i}, seed ${seed}`).toBe(true);
          expect(sameBytes(got.value, want.value), `value of record ${i}, seed ${seed}`).toBe(true);
          expectHeaders(got.headers, want.headers);
        });
      }
    });
  }

  it('refuses a record past its limit, and takes one alone whatever its size', () => {
    const value = Buffer.alloc(1000, 1);
    const builder = new BatchBuilder(2500);
    expect(builder.append(1, null, 0, 0, value, 0, 1000, NO_HEADERS)).toBe(true);
    expect(builder.append(1, null, 0, 0, value, 0, 1000, NO_HEADERS)).toBe(true);
    expect(builder.append(1, null, 0, 0, value, 0, 1000, NO_HEADERS)).toBe(false);
    expect(builder.count).toBe(2);
    expect(builder.size).toBeLessThanOrEqual(2500);
    const alone = new BatchBuilder(100);
    expect(alone.append(1, null, 0, 0, value, 0, 1000, NO_HEADERS)).toBe(true);
    expect(alone.append(1, null, 0, 0, value, 0, 1, NO_HEADERS)).toBe(false);
  });

  it('keeps empty and null keys and values apart', async () => {
    const empty = Buffer.alloc(0);
    const builder = new BatchBuilder(1 << 20);
    builder.append(5, empty, 0, 0, null, 0, 0, NO_HEADERS);
    builder.append(5, null, 0, 0, empty, 0, 0, encodeHeaders([[Buffer.from('h'), null]]));
    const decoded = await decodeBatch(new Decoder(builder.sealPlain({ producerId: -1n, producerEpoch: -1, baseSequence: -1 })));
    expect(decoded.records.map((x) => [x.key, x.value])).toEqual([[empty, null], [null, empty]]);
    expect(decoded.records[1]!.headers).toEqual({ h: null });
    expect(decoded.producerId).toBe('-1');
  });

  it('marks a transactional batch', async () => {
    const builder = new BatchBuilder(1 << 20);
    builder.append(5, null, 0, 0, Buffer.from('v'), 0, 1, NO_HEADERS);
    const decoded = await decodeBatch(new Decoder(builder.sealPlain({ producerId: 1n, producerEpoch: 0, baseSequence: 0, transactional: true })));
    expect(decoded.inTransaction).toBe(true);
  });

  it('never needs more room than recordBytes says', () => {
    const r = rng(99);
    for (let i = 0; i < 500; i++) {
      const rec = randomRecord(r, Date.now());
      const headers = rec.headers.length ? encodeHeaders(rec.headers) : NO_HEADERS;
      const builder = new BatchBuilder(1 << 30);
      const before = builder.size;
      builder.append(rec.timestamp, rec.key, 0, rec.key?.length ?? 0, rec.value, 0, rec.value?.length ?? 0, headers);
      expect(builder.size - before).toBeLessThanOrEqual(recordBytes(rec.key?.length ?? -1, rec.value?.length ?? -1, headers.length));
    }
  });
});

describe('xerial snappy framing', () => {
  it('writes snappy-java\'s header and 32 KiB blocks', () => {
    const data = Buffer.alloc(70_000, 7);
    const framed = xerialFrame(data, (b) => Buffer.from(b)); // identity "compression" shows the blocks
    expect(framed.subarray(0, 16).toString('hex')).toBe('82534e415050590000000001' + '00000001');
    expect(framed.readInt32BE(16)).toBe(32768);
    expect(framed.readInt32BE(16 + 4 + 32768)).toBe(32768);
    expect(framed.readInt32BE(16 + 2 * (4 + 32768))).toBe(70_000 - 65536);
    expect(framed.length).toBe(16 + 3 * 4 + 70_000);
  });
});
