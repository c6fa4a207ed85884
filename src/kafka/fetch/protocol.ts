// Fetch v11 (KIP-392; Kafka 2.3 and later), encoded and decoded by kstream and sent over kafkajs's
// own broker connections, so TLS, SASL and re-authentication stay kafkajs's. kafkajs's Fetch decoder
// would turn every record into an object; this one keeps each partition's record set as a view of
// the response buffer for decode-batch.ts to walk.
import { CorruptBatchError } from '../codec/decode-error.js';
import { readInt64 } from '../codec/decode-batch.js';

export const FETCH_API_KEY = 1;
export const FETCH_VERSION = 11;

export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

export interface FetchRequest {
  topic: string;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  readCommitted: boolean;
  partitions: FetchPartitionRequest[];
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface FetchedPartition {
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** Transactions aborted in the fetched range (read_committed only), by first offset. */
  aborted: AbortedTransaction[];
  /** The record set: whole batches, and maybe one cut off at the end. */
  records: Buffer;
}

export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  partitions: FetchedPartition[];
}

/** A tiny big-endian writer; the request is a few dozen bytes. */
class Writer {
  private buf = Buffer.alloc(256);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(grown);
    this.buf = grown;
  }

  int8(v: number): this {
    this.room(1);
    this.len = this.buf.writeInt8(v, this.len);
    return this;
  }

  int32(v: number): this {
    this.room(4);
    this.len = this.buf.writeInt32BE(v, this.len);
    return this;
  }

  int64(v: number): this {
    this.room(8);
    this.len = this.buf.writeBigInt64BE(BigInt(v), this.len);
    return this;
  }

  string(s: string): this {
    const bytes = Buffer.from(s, 'utf8');
    this.room(2 + bytes.length);
    this.len = this.buf.writeInt16BE(bytes.length, this.len);
    this.len += bytes.copy(this.buf, this.len);
    return this;
  }

  done(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** The request body (after the header kafkajs writes). */
export function encodeFetchRequest(req: FetchRequest): Buffer {
  const w = new Writer()
    .int32(-1) // replica_id: a consumer
    .int32(req.maxWaitMs)
    .int32(req.minBytes)
    .int32(req.maxBytes)
    .int8(req.readCommitted ? 1 : 0)
    .int32(0) // session_id 0 and epoch -1: a full fetch, no incremental session
    .int32(-1)
    .int32(1)
    .string(req.topic)
    .int32(req.partitions.length);
  for (const p of req.partitions) {
    w.int32(p.partition)
      .int32(-1) // current_leader_epoch: not checked
      .int64(p.fetchOffset)
      .int64(-1) // log_start_offset: only followers send it
      .int32(p.maxBytes);
  }
  return w.int32(0).string('').done(); // no forgotten topics; rack_id ''
}

/** Reads a Fetch v11 response body (after the correlation id). */
export function decodeFetchResponse(buf: Buffer, topic: string): FetchResponse {
  const r = new Reader(buf);
  const throttleTimeMs = r.int32();
  const errorCode = r.int16();
  r.int32(); // session_id
  const partitions: FetchedPartition[] = [];
  for (let t = r.int32(); t > 0; t--) {
    const name = r.string();
    for (let n = r.int32(); n > 0; n--) {
      const partition = r.int32();
      const partitionError = r.int16();
      const highWatermark = r.int64();
      const lastStableOffset = r.int64();
      const logStartOffset = r.int64();
      const aborted: AbortedTransaction[] = [];
      for (let a = r.int32(); a > 0; a--) aborted.push({ producerId: r.int64(), firstOffset: r.int64() });
      r.int32(); // preferred_read_replica: kstream always reads from the leader
      const records = r.bytes();
      if (name === topic) partitions.push({ partition, errorCode: partitionError, highWatermark, lastStableOffset, logStartOffset, aborted, records });
    }
  }
  return { throttleTimeMs, errorCode, partitions };
}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) throw new CorruptBatchError(`the Fetch response ends early (at byte ${at} of ${this.buf.length})`);
    this.pos = at + n;
    return at;
  }

  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  int64(): number {
    return readInt64(this.buf, this.need(8));
  }

  string(): string {
    const n = this.int16();
    if (n < 0) return '';
    const at = this.need(n);
    return this.buf.toString('utf8', at, at + n);
  }

  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) return this.buf.subarray(0, 0);
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }
}

/**
 * The protocol object kafkajs's Connection.send takes: `request.encode` must give something with
 * kafkajs's Encoder shape ({buf, buffer}); `response.decode` gets the body after the correlation id.
 */
export function fetchProtocol(req: FetchRequest, requestTimeout: number) {
  return {
    request: {
      apiKey: FETCH_API_KEY,
      apiVersion: FETCH_VERSION,
      apiName: 'Fetch',
      encode: async () => {
        const buf = encodeFetchRequest(req);
        return { buf, buffer: buf };
      },
    },
    response: {
      decode: async (payload: Buffer) => {
        const res = decodeFetchResponse(payload, req.topic);
        // kafkajs waits this long before its next request on the connection (KIP-219).
        return Object.assign(res, { clientSideThrottleTime: res.throttleTimeMs });
      },
      parse: async (res: FetchResponse) => res,
    },
    requestTimeout,
  };
}
