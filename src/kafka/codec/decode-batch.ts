// RecordBatch v2 (magic 2), read in place from the bytes of a Fetch response.
//
// Why not kafkajs's decoder: it builds a JS object per record (strings for offset and timestamp, a
// Buffer per key and value, an object of headers), which is what limits consume to ~250k records/s.
// Here a batch is a header object and its records are walked by one reusable RecordCursor that holds
// only numbers: where the key, value and headers of the current record sit in the batch's buffer.
// The output formatter copies those ranges straight into its output bytes.
//
// Layout (Kafka's DefaultRecordBatch):
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
//   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
//   producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records
// The CRC-32C covers attributes .. end of batch.
import { crc32c } from './crc32c.js';
import { CorruptBatchError } from './decode-error.js';

/** Bytes before batchLength counts: baseOffset + batchLength. */
const LOG_OVERHEAD = 12;
/** Bytes from the start of a batch to its first record. */
export const BATCH_HEADER_SIZE = 61;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;

export const COMPRESSION_MASK = 0x07;
export const LOG_APPEND_TIME = 0x08;
export const TRANSACTIONAL = 0x10;
export const CONTROL = 0x20;

/** Compression codes in the low three bits of a batch's attributes. */
export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

/** The header of one record batch; `records` is its (still compressed) records section. */
export interface BatchHeader {
  baseOffset: number;
  lastOffset: number;
  partitionLeaderEpoch: number;
  magic: number;
  attributes: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  compression: number;
  isTransactional: boolean;
  isControl: boolean;
  /** The records section, a view into the response (compressed if `compression` is not 0). */
  records: Buffer;
  /** Bytes of the whole batch, header included. */
  size: number;
}

/** An int64 as a JS number: exact up to 2^53, far beyond any offset or millisecond time. */
export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
}

/**
 * Walks the batches of a Fetch response's record set. A broker may cut the last batch short at the
 * size limit: `next()` then returns undefined and `partialSize` says how big that batch is, so the
 * caller can ask for more bytes next time. Anything else malformed throws CorruptBatchError.
 */
export class BatchReader {
  private pos = 0;
  /** The full size of a batch that was cut off at the end of the record set, else 0. */
  partialSize = 0;

  constructor(private readonly buf: Buffer, private readonly where?: string) {}

  next(): BatchHeader | undefined {
    const { buf } = this;
    const start = this.pos;
    const left = buf.length - start;
    if (left < LOG_OVERHEAD) {
      if (left > 0) this.partialSize = LOG_OVERHEAD;
      return undefined;
    }
    const batchLength = buf.readInt32BE(start + 8);
    if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) {
      throw this.corrupt(`batch length ${batchLength} at byte ${start} is shorter than a batch header`);
    }
    const size = LOG_OVERHEAD + batchLength;
    if (left < size) {
      this.partialSize = size;
      return undefined;
    }
    const magic = buf.readInt8(start + 16);
    const baseOffset = readInt64(buf, start);
    if (magic !== 2) {
      throw this.corrupt(`record format v${magic} at offset ${baseOffset}: only v2 (Kafka 0.11 and later) is supported`);
    }
    const end = start + size;
    const expected = buf.readUInt32BE(start + CRC_OFFSET);
    const actual = crc32c(buf.subarray(start + ATTRIBUTES_OFFSET, end));
    if (expected !== actual) {
      throw this.corrupt(`CRC mismatch in the batch at offset ${baseOffset} (stored ${hex(expected)}, computed ${hex(actual)})`);
    }
    const attributes = buf.readInt16BE(start + 21);
    const recordCount = buf.readInt32BE(start + 57);
    if (recordCount < 0) throw this.corrupt(`negative record count ${recordCount} in the batch at offset ${baseOffset}`);
    this.pos = end;
    return {
      baseOffset,
      lastOffset: baseOffset + buf.readInt32BE(start + 23),
      partitionLeaderEpoch: buf.readInt32BE(start + 12),
      magic,
      attributes,
      baseTimestamp: readInt64(buf, start + 27),
      maxTimestamp: readInt64(buf, start + 35),
      producerId: readInt64(buf, start + 43),
      producerEpoch: buf.readInt16BE(start + 51),
      baseSequence: buf.readInt32BE(start + 53),
      recordCount,
      compression: attributes & COMPRESSION_MASK,
      isTransactional: (attributes & TRANSACTIONAL) !== 0,
      isControl: (attributes & CONTROL) !== 0,
      records: buf.subarray(start + BATCH_HEADER_SIZE, end),
      size,
    };
  }

  private corrupt(what: string): CorruptBatchError {
    return new CorruptBatchError(what, this.where);
  }
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/**
 * The records of one batch, one at a time, without an object per record. After `next()` returns
 * true, the fields describe the current record; key and value are byte ranges of `buf`
 * (start -1 for null). Headers are walked with `firstHeader()` / `nextHeader()`.
 */
const EMPTY = Buffer.alloc(0);

export class RecordCursor {
  buf: Buffer = EMPTY;
  /** The partition being read: set by whoever walks a fetch response, for the formatter. */
  partition = -1;
  offset = 0;
  timestamp = 0;
  /** The batch's attributes (timestamp type, transactional, control). */
  attributes = 0;
  keyStart = -1;
  keyEnd = -1;
  valueStart = -1;
  valueEnd = -1;
  headerCount = 0;
  /** Current header, after firstHeader()/nextHeader() returned true; valueStart -1 for a null value. */
  hKeyStart = 0;
  hKeyEnd = 0;
  hValueStart = -1;
  hValueEnd = -1;

  private pos = 0;
  private end = 0;
  private left = 0;
  private baseOffset = 0;
  private baseTimestamp = 0;
  private logAppendTime = -1;
  private headersStart = 0;
  private headerPos = 0;
  private headerIndex = 0;
  private recordEnd = 0;
  private where?: string;

  /** Starts walking `batch`, whose records section (decompressed) is `records`. */
  reset(batch: BatchHeader, records: Buffer, where?: string): this {
    this.buf = records;
    this.pos = 0;
    this.end = records.length;
    this.left = batch.recordCount;
    this.baseOffset = batch.baseOffset;
    this.baseTimestamp = batch.baseTimestamp;
    this.attributes = batch.attributes;
    this.logAppendTime = batch.attributes & LOG_APPEND_TIME ? batch.maxTimestamp : -1;
    this.where = where;
    return this;
  }

  /** Lets go of the batch it walked (a view of a fetch response), so that the response can be freed. */
  clear(): void {
    this.buf = EMPTY;
    this.left = 0;
    this.pos = this.end = 0;
  }

  /** Moves to the next record; false at the end of the batch. */
  next(): boolean {
    if (this.left === 0) {
      if (this.pos !== this.end) throw this.corrupt(`${this.end - this.pos} bytes after the last record of the batch at offset ${this.baseOffset}`);
      return false;
    }
    this.left--;
    const length = this.varint();
    const start = this.pos;
    if (length < 6 || start + length > this.end) throw this.corrupt(`record of ${length} bytes does not fit in the batch at offset ${this.baseOffset}`);
    const recordEnd = start + length;
    this.recordEnd = recordEnd;
    this.pos++; // record attributes: unused since v2
    const timestampDelta = this.varlong();
    const offsetDelta = this.varint();
    this.offset = this.baseOffset + offsetDelta;
    this.timestamp = this.logAppendTime >= 0 ? this.logAppendTime : this.baseTimestamp + timestampDelta;
    this.keyStart = this.bytesField();
    this.keyEnd = this.pos;
    this.valueStart = this.bytesField();
    this.valueEnd = this.pos;
    const count = this.varint();
    if (count < 0) throw this.corrupt(`negative header count at offset ${this.offset}`);
    this.headerCount = count;
    this.headersStart = this.pos;
    for (let i = 0; i < count; i++) {
      if (this.bytesField() < 0) throw this.corrupt(`null header key at offset ${this.offset}`);
      this.bytesField();
    }
    if (this.pos !== recordEnd) {
      throw this.corrupt(`record at offset ${this.offset} has ${length} bytes but its fields take ${this.pos - start}`);
    }
    return true;
  }

  /** Moves to the first header of the current record; false if it has none. */
  firstHeader(): boolean {
    this.headerPos = this.headersStart;
    this.headerIndex = 0;
    return this.nextHeader();
  }

  nextHeader(): boolean {
    if (this.headerIndex >= this.headerCount) return false;
    this.headerIndex++;
    const saved = this.pos;
    this.pos = this.headerPos;
    this.hKeyStart = this.bytesField();
    this.hKeyEnd = this.pos;
    this.hValueStart = this.bytesField();
    this.hValueEnd = this.pos;
    this.headerPos = this.pos;
    this.pos = saved;
    return true;
  }

  /** A length-prefixed byte field: returns its start (or -1 for null) and moves past it. */
  private bytesField(): number {
    const n = this.varint();
    if (n < 0) {
      if (n !== -1) throw this.corrupt(`negative length ${n} at offset ${this.offset}`);
      return -1;
    }
    const start = this.pos;
    if (start + n > this.recordEnd) throw this.corrupt(`a field of ${n} bytes runs past the record at offset ${this.offset}`);
    this.pos = start + n;
    return start;
  }

  /** A zigzag varint of at most 5 bytes (an int32). */
  private varint(): number {
    const { buf } = this;
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw this.corrupt(`record data ends inside a varint in the batch at offset ${this.baseOffset}`);
      const b = buf[this.pos++]!;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (value >>> 1) ^ -(value & 1);
      shift += 7;
    }
    throw this.corrupt(`varint longer than 5 bytes in the batch at offset ${this.baseOffset}`);
  }

  /** A zigzag varlong of at most 10 bytes, as a number (exact to 2^53). */
  private varlong(): number {
    const { buf } = this;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.corrupt(`record data ends inside a varint in the batch at offset ${this.baseOffset}`);
      const b = buf[this.pos++]!;
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
      scale *= 128;
    }
    throw this.corrupt(`varlong longer than 10 bytes in the batch at offset ${this.baseOffset}`);
  }

  private corrupt(what: string): CorruptBatchError {
    return new CorruptBatchError(what, this.where);
  }
}

/** Control record types (the key of the one record of a control batch). */
export const ControlType = { abort: 0, commit: 1 } as const;

/** The type of a control batch's marker: 0 abort, 1 commit; -1 when its key is not a marker. */
export function controlType(cursor: RecordCursor): number {
  if (cursor.keyStart < 0 || cursor.keyEnd - cursor.keyStart < 4) return -1;
  return cursor.buf.readInt16BE(cursor.keyStart + 2);
}
