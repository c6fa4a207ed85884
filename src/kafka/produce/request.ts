// Produce requests built from sealed RecordBatch bytes, framed and written onto kafkajs's own
// broker connections by direct.ts, with their SASL, TLS and correlation handling.
//
// Versions 3 to 7 share one request layout; the response gains log_start_offset at v5.
//   Produce Request => transactional_id acks timeout_ms [topic [partition records]]
//   Produce Response => [topic [partition error_code base_offset log_append_time (log_start_offset)]] throttle_time_ms

export const PRODUCE_API_KEY = 0;
/** Record batches (magic 2) need v3; zstd needs v7; later versions add nothing this path uses. */
export const MIN_PRODUCE_VERSION = 3;
export const MAX_PRODUCE_VERSION = 7;

export interface PartitionBatch {
  partition: number;
  batch: Buffer;
}

export interface PartitionResult {
  partition: number;
  errorCode: number;
  baseOffset: bigint;
}

/**
 * The request body: one topic, one batch per partition (the broker takes no more). A transactional
 * producer names its transactional id; the broker checks it against the batches' producer id and epoch.
 */
export function encodeProduceBody(acks: number, timeoutMs: number, topic: string, batches: PartitionBatch[], transactionalId: string | null = null): Buffer {
  return Buffer.concat(produceBodyParts(acks, timeoutMs, topic, batches, transactionalId));
}

/**
 * The body as buffers to write in order, the batches not copied: everything up to the first batch,
 * then each batch after its partition and length. The first part starts with `reserve` bytes left
 * for the caller (a request header in front of the body).
 */
export function produceBodyParts(acks: number, timeoutMs: number, topic: string, batches: PartitionBatch[], transactionalId: string | null, reserve = 0): Buffer[] {
  const topicBytes = Buffer.from(topic, 'utf8');
  const idBytes = transactionalId === null ? null : Buffer.from(transactionalId, 'utf8');
  const head = Buffer.allocUnsafe(reserve + 2 + (idBytes?.length ?? 0) + 2 + 4 + 4 + 2 + topicBytes.length + 4 + 8 * batches.length);
  let pos = head.writeInt16BE(idBytes ? idBytes.length : -1, reserve); // transactional_id: null unless transactional
  if (idBytes) pos += idBytes.copy(head, pos);
  pos = head.writeInt16BE(acks, pos);
  pos = head.writeInt32BE(timeoutMs, pos);
  pos = head.writeInt32BE(1, pos);
  pos = head.writeInt16BE(topicBytes.length, pos);
  pos += topicBytes.copy(head, pos);
  pos = head.writeInt32BE(batches.length, pos);
  const parts: Buffer[] = [];
  let from = 0;
  for (const b of batches) {
    pos = head.writeInt32BE(b.partition, pos);
    pos = head.writeInt32BE(b.batch.length, pos);
    parts.push(head.subarray(from, pos), b.batch);
    from = pos;
  }
  if (batches.length === 0) parts.push(head.subarray(0, pos));
  return parts;
}

export function decodeProduceResponse(version: number, payload: Buffer): { partitions: PartitionResult[]; throttleMs: number } {
  let pos = 0;
  const partitions: PartitionResult[] = [];
  const topics = payload.readInt32BE(pos);
  pos += 4;
  for (let t = 0; t < topics; t++) {
    pos += 2 + payload.readInt16BE(pos);
    const count = payload.readInt32BE(pos);
    pos += 4;
    for (let i = 0; i < count; i++) {
      const partition = payload.readInt32BE(pos);
      const errorCode = payload.readInt16BE(pos + 4);
      const baseOffset = payload.readBigInt64BE(pos + 6);
      pos += 4 + 2 + 8 + 8 + (version >= 5 ? 8 : 0);
      partitions.push({ partition, errorCode, baseOffset });
    }
  }
  return { partitions, throttleMs: payload.readInt32BE(pos) };
}

