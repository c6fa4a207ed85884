// RecordBatch v2 (Kafka's message format since 0.11) written straight from input bytes.
//
// Why this exists: kafkajs builds a JS object per record and encodes it through a growable
// Encoder with a Long per varlong; at ~100 B per record that is most of produce's CPU. Here a
// record is appended as slices of the caller's buffers (a line, its key part, a pre-encoded
// header block) into one growing batch buffer, with no object per record. The batch header is
// filled in when the batch is sealed, once its producer id, epoch and sequence are known.
//
// Layout (https://kafka.apache.org/documentation/#recordbatch):
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 (2)
//   crc uint32 (CRC-32C of everything after it) | attributes int16 | lastOffsetDelta int32
//   baseTimestamp int64 | maxTimestamp int64 | producerId int64 | producerEpoch int16
//   baseSequence int32 | recordCount int32 | records...
// Record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
//   | keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value
//   | headerCount varint | (keyLength varint | key | valueLength varint | value)*
import { arenaBuffer, arenaCopy, arenaOffset, releaseBuffer } from './arena.js';
import { crc32c } from './crc32c.js';

export const BATCH_HEADER_BYTES = 61;
/** Offset of `attributes`: the CRC covers the batch from here to its end. */
const CRC_START = 21;
const MAGIC = 2;
const TRANSACTIONAL = 0x10;
/** A batch buffer starts this small and doubles, so many idle partitions cost little. */
const INITIAL_BYTES = 16 << 10;

/** Compression ids in the low three bits of `attributes`. */
export const CompressionId = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof CompressionId;

/** The producer identity stamped on a batch when it is sealed. Non-idempotent: -1, -1, -1. */
export interface BatchIdentity {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  transactional?: boolean;
}

/** Compresses the records section of a batch (see compress.ts). */
export type Compressor = (records: Buffer) => Buffer | Promise<Buffer>;

/** Bytes of `n` as a zig-zag varint (Kafka's varint/varlong; exact for |n| < 2^52). */
export function varintSize(n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) {
    // The common case (lengths, deltas) in 32-bit integer arithmetic.
    const z = ((n << 1) ^ (n >> 31)) >>> 0;
    return z < 0x80 ? 1 : z < 0x4000 ? 2 : z < 0x200000 ? 3 : z < 0x10000000 ? 4 : 5;
  }
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  let size = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

/** Writes `n` as a zig-zag varint at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) {
    let z = ((n << 1) ^ (n >> 31)) >>> 0;
    while (z >= 0x80) {
      buf[pos++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    buf[pos++] = z;
    return pos;
  }
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 128) {
    buf[pos++] = (z % 128) | 128;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

/** A header block (count and entries) as a record carries it; the same block may go on every record. */
export function encodeHeaders(headers: ReadonlyArray<readonly [Buffer, Buffer | null]>): Buffer {
  let size = varintSize(headers.length);
  for (const [k, v] of headers) size += varintSize(k.length) + k.length + (v ? varintSize(v.length) + v.length : 1);
  const out = Buffer.allocUnsafe(size);
  let pos = writeVarint(out, 0, headers.length);
  for (const [k, v] of headers) {
    pos = writeVarint(out, pos, k.length);
    pos += k.copy(out, pos);
    if (v) {
      pos = writeVarint(out, pos, v.length);
      pos += v.copy(out, pos);
    } else {
      pos = writeVarint(out, pos, -1);
    }
  }
  return out;
}

/** The header block of a record without headers. */
export const NO_HEADERS = encodeHeaders([]);

/**
 * Records of one partition, appended in order into one buffer that becomes the batch.
 * Keys and values are ranges of caller buffers (null buffer = null key or value), copied once.
 */
export class BatchBuilder {
  private buf: Buffer;
  private view: DataView;
  /** Where `buf` is in the arena (-1: not there), for copies by memory.copy. */
  private at: number;
  private pos = BATCH_HEADER_BYTES;
  count = 0;
  private baseTimestamp = 0;
  private maxTimestamp = 0;

  /**
   * `limit`: bytes the batch may reach; a single record larger than it still makes a batch of one.
   * `reuse`: a buffer of an acknowledged batch to write into, so a long run allocates no more.
   * `pooled`: take buffers from the arena (arena.ts), and give back the ones outgrown; the
   * caller releases the last one once its batch is acknowledged.
   */
  constructor(private readonly limit: number, reuse?: Buffer, private readonly pooled = false) {
    const initial = Math.min(INITIAL_BYTES, Math.max(limit, BATCH_HEADER_BYTES));
    this.buf = reuse && reuse.length >= BATCH_HEADER_BYTES ? reuse : pooled ? arenaBuffer(initial) : Buffer.allocUnsafe(initial);
    this.view = viewOf(this.buf);
    this.at = arenaOffset(this.buf);
  }

  /** The buffer the batch is written in, for a later builder once this batch is acknowledged. */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Bytes the batch would have uncompressed. */
  get size(): number {
    return this.pos;
  }

  /**
   * Appends one record; false (and nothing appended) when it would take the batch past its
   * limit: seal this batch and start another.
   */
  append(
    timestamp: number,
    key: Buffer | null, keyStart: number, keyEnd: number,
    value: Buffer | null, valueStart: number, valueEnd: number,
    headers: Buffer,
  ): boolean {
    if (this.count === 0) {
      this.baseTimestamp = timestamp;
      this.maxTimestamp = timestamp;
    }
    const tsDelta = timestamp - this.baseTimestamp;
    const keyLen = key ? keyEnd - keyStart : -1;
    const valueLen = value ? valueEnd - valueStart : -1;
    const body = 1 + varintSize(tsDelta) + varintSize(this.count) +
      varintSize(keyLen) + (keyLen > 0 ? keyLen : 0) + varintSize(valueLen) + (valueLen > 0 ? valueLen : 0) + headers.length;
    const total = varintSize(body) + body;
    if (this.pos + total > this.limit && this.count > 0) return false;
    if (this.pos + total > this.buf.length) this.grow(this.pos + total);
    const buf = this.buf;
    let pos = writeVarint(buf, this.pos, body);
    buf[pos++] = 0; // record attributes: unused
    pos = writeVarint(buf, pos, tsDelta);
    pos = writeVarint(buf, pos, this.count);
    pos = writeVarint(buf, pos, keyLen);
    if (keyLen > 0) pos = copyRange(key!, KEYS, keyStart, keyEnd, buf, this.view, this.at, pos);
    pos = writeVarint(buf, pos, valueLen);
    if (valueLen > 0) pos = copyRange(value!, VALUES, valueStart, valueEnd, buf, this.view, this.at, pos);
    if (headers.length === 1) buf[pos++] = headers[0]!; // no headers: the count 0 alone
    else pos = copyRange(headers, HEADERS, 0, headers.length, buf, this.view, this.at, pos);
    this.pos = pos;
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    this.count++;
    return true;
  }

  private grow(needed: number): void {
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const bytes = Math.max(needed, Math.min(size, Math.max(this.limit, needed)));
    const next = this.pooled ? arenaBuffer(bytes) : Buffer.allocUnsafe(bytes);
    this.buf.copy(next, 0, 0, this.pos);
    if (this.pooled) releaseBuffer(this.buf);
    this.buf = next;
    this.view = viewOf(next);
    this.at = arenaOffset(next);
  }

  /**
   * The finished batch. Without a compressor the records stay where they are and only the
   * header is written; with one, the records section is replaced by its compressed form.
   * The builder must not be used afterwards.
   */
  async seal(id: BatchIdentity, compression: CompressionName = 'none', compress?: Compressor): Promise<Buffer> {
    if (compression === 'none' || !compress) return this.finish(this.buf.subarray(0, this.pos), id, 0);
    const packed = await compress(this.buf.subarray(BATCH_HEADER_BYTES, this.pos));
    const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + packed.length);
    packed.copy(out, BATCH_HEADER_BYTES);
    return this.finish(out, id, CompressionId[compression]);
  }

  /** Uncompressed seal, for callers that need no codec: no promise per batch. */
  sealPlain(id: BatchIdentity): Buffer {
    return this.finish(this.buf.subarray(0, this.pos), id, 0);
  }

  private finish(out: Buffer, id: BatchIdentity, codec: number): Buffer {
    out.writeBigInt64BE(0n, 0);
    out.writeInt32BE(out.length - 12, 8);
    out.writeInt32BE(-1, 12); // partitionLeaderEpoch: set by the broker
    out.writeInt8(MAGIC, 16);
    out.writeInt16BE(codec | (id.transactional ? TRANSACTIONAL : 0), 21);
    out.writeInt32BE(this.count - 1, 23);
    out.writeBigInt64BE(BigInt(this.baseTimestamp), 27);
    out.writeBigInt64BE(BigInt(this.maxTimestamp), 35);
    out.writeBigInt64BE(id.producerId, 43);
    out.writeInt16BE(id.producerEpoch, 51);
    out.writeInt32BE(id.baseSequence, 53);
    out.writeInt32BE(this.count, 57);
    out.writeUInt32BE(crc32c(out.subarray(CRC_START)), 17);
    return out;
  }
}

const viewOf = (buf: Buffer) => new DataView(buf.buffer, buf.byteOffset, buf.length);

/** A DataView of the buffer last copied from in one role (keys, values, header blocks), kept for the next record. */
class SourceView {
  private buf: Buffer | undefined;
  private view: DataView | undefined;
  /** Where the buffer is in the arena (arena.ts), or -1. */
  at = -1;

  of(buf: Buffer): DataView {
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
      this.at = arenaOffset(buf);
    }
    return this.view!;
  }
}

const KEYS = new SourceView();
const VALUES = new SourceView();
const HEADERS = new SourceView();

/**
 * Copies src[start, end) to dst at `pos` eight bytes a step; returns the position after it.
 * Buffer#copy and TypedArray#set of a range each make a view object per call: at ~100 B a
 * record that garbage alone grew the young generation by tens of megabytes. DataView reads
 * and writes compile to plain loads and stores, and make nothing.
 */
function copyRange(src: Buffer, from: SourceView, start: number, end: number, dst: Buffer, to: DataView, dstAt: number, pos: number): number {
  if (end - start > 4096) {
    dst.set(src.subarray(start, end), pos);
    return pos + end - start;
  }
  let i = start;
  if (end - start >= 8) {
    const s = from.of(src);
    // Both in the arena: one memory.copy. append sized dst for it; a range outside src takes
    // the checked path below, as memory.copy would read a neighbouring block.
    if (dstAt >= 0 && from.at >= 0 && end - start >= 16 && start >= 0 && end <= src.length) {
      arenaCopy(dstAt + pos, from.at + start, end - start);
      return pos + end - start;
    }
    for (; i + 8 <= end; i += 8, pos += 8) {
      to.setUint32(pos, s.getUint32(i));
      to.setUint32(pos + 4, s.getUint32(i + 4));
    }
  }
  for (; i < end; i++) dst[pos++] = src[i]!;
  return pos;
}

/** Bytes a record takes in a batch at most, for sizing before it is appended. */
export function recordBytes(keyLen: number, valueLen: number, headerBytes: number): number {
  // length, attributes, timestampDelta and offsetDelta varints: at most 5 + 1 + 10 + 5.
  return 21 + (keyLen > 0 ? keyLen + 5 : 1) + (valueLen > 0 ? valueLen + 5 : 1) + headerBytes;
}
