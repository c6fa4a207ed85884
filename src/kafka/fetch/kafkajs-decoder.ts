// kafkajs's record batch decoder, replaced by one on kstream's codec (decode-batch.ts), for the
// kafkajs consumers that remain: consumer groups (`consume -g`) and the pipeline's input.
//
// Why: kafkajs decodes each record through a new Decoder object, makes a Long for its offset and
// its timestamp out of the batch's decimal strings (Long.fromString, twice per record), and builds
// its headers with an object spread per header. In a pipeline that was the largest cost left once
// the output was kstream's own (profiled: ~40% of the main thread for `--map` at 1M records).
// Here the batch is checked (CRC-32C, magic, lengths: a corrupt batch is a clear error, not
// garbage), decompressed with any of the four codecs, and walked by RecordCursor; each record
// becomes the same message object kafkajs made (offset and timestamp as decimal strings, key,
// value and header values as Buffer views of the response), so kafkajs's consumer and every
// caller see no difference.
//
// kafkajs's decodeMessages keeps a reference to this module's export from when it is first
// loaded, so the export is replaced before kafkajs loads (loadKafkajs), as settled-retry.ts does.
import { BatchReader, RecordCursor, TRANSACTIONAL, CONTROL, LOG_APPEND_TIME } from '../codec/decode-batch.js';
import { batchRecords } from '../codec/decompress.js';
import { KafkaJSPartialMessageError } from '../kafkajs-internal.js';
import { replaceKafkajsModule } from '../module-hooks.js';

let installed = false;

/** kafkajs's Decoder, as far as a record batch decoder uses it. */
interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
  forward(bytes: number): void;
}

export interface KafkajsMessage {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | Array<Buffer | null>>;
  isControlRecord: boolean;
  batchContext: object;
}

/** Bytes before a batch's length counts: baseOffset int64 and batchLength int32. */
const LOG_OVERHEAD = 12;
const cursor = new RecordCursor();

/** Replaces kafkajs's RecordBatch decoder (module-hooks.ts); call before kafkajs itself is loaded. */
export function installRecordBatchDecoder(): void {
  if (installed) return;
  installed = true;
  replaceKafkajsModule('kafkajs/src/protocol/recordBatch/v0/decoder.js', () => decodeRecordBatch);
}

/** The next record batch of `decoder` (a Fetch response's record set), in kafkajs's shape. */
export async function decodeRecordBatch(decoder: KafkajsDecoder): Promise<{ records: KafkajsMessage[] } & Record<string, unknown>> {
  const { buffer, offset: start } = decoder;
  const left = buffer.length - start;
  const length = left >= LOG_OVERHEAD ? buffer.readInt32BE(start + 8) : Infinity;
  if (left < LOG_OVERHEAD + length) {
    // The broker cuts the last batch of a response at the size limit: kafkajs's decodeMessages stops at this error.
    decoder.forward(left);
    throw partial(`Tried to decode a partial record batch: remainingBytes(${left - LOG_OVERHEAD}) < recordBatchLength(${length})`);
  }
  decoder.forward(LOG_OVERHEAD + length);
  const batch = new BatchReader(buffer.subarray(start, start + LOG_OVERHEAD + length)).next()!;
  const context = {
    firstOffset: String(batch.baseOffset),
    firstTimestamp: String(batch.baseTimestamp),
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    inTransaction: (batch.attributes & TRANSACTIONAL) !== 0,
    isControlBatch: (batch.attributes & CONTROL) !== 0,
    lastOffsetDelta: batch.lastOffset - batch.baseOffset,
    producerId: String(batch.producerId),
    producerEpoch: batch.producerEpoch,
    firstSequence: batch.baseSequence,
    maxTimestamp: String(batch.maxTimestamp),
    timestampType: (batch.attributes & LOG_APPEND_TIME) !== 0 ? 1 : 0,
  };
  const recordContext = { ...context, magicByte: 2 };
  const records: KafkajsMessage[] = new Array(batch.recordCount);
  cursor.reset(batch, await batchRecords(batch));
  const buf = cursor.buf;
  for (let i = 0; cursor.next(); i++) {
    let headers: KafkajsMessage['headers'] = {};
    if (cursor.headerCount > 0) headers = headersOf(cursor, buf);
    records[i] = {
      magicByte: 2,
      attributes: 0,
      timestamp: String(cursor.timestamp),
      offset: String(cursor.offset),
      key: cursor.keyStart < 0 ? null : buf.subarray(cursor.keyStart, cursor.keyEnd),
      value: cursor.valueStart < 0 ? null : buf.subarray(cursor.valueStart, cursor.valueEnd),
      headers,
      isControlRecord: context.isControlBatch,
      batchContext: recordContext,
    };
  }
  return { ...context, records };
}

/** As kafkajs: a header's key is a string, its value a Buffer; a repeated key collects its values in an array. */
function headersOf(c: RecordCursor, buf: Buffer): KafkajsMessage['headers'] {
  const out: KafkajsMessage['headers'] = {};
  for (let ok = c.firstHeader(); ok; ok = c.nextHeader()) {
    const key = buf.toString('utf8', c.hKeyStart, c.hKeyEnd);
    const value = c.hValueStart < 0 ? null : buf.subarray(c.hValueStart, c.hValueEnd);
    const before = out[key];
    out[key] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  return out;
}

function partial(message: string): Error {
  return new KafkaJSPartialMessageError(message);
}
