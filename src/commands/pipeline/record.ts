import { isUtf8 } from 'node:buffer';
import type { FetchedRecord, RecordHeaders } from '../../kafka/types.js';
import { toEnvelope, type ParsedEnvelope } from '../../records/envelope.js';

/** Where a record was read from; kept through --map and --filter, lost after --exec (its output belongs to the whole batch). */
export interface Origin {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
}

/** Header values as bytes: a stage copies them unchanged unless a transform sets new ones. */
export type PipeHeaders = Record<string, Buffer | Buffer[]>;

/** One record moving through a stage's transforms. `partition` is the destination partition, when one was chosen. */
export interface PipeRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: PipeHeaders;
  partition?: number;
  origin?: Origin;
}

/** Any header value a fetched record or an envelope gives (Buffer, string, or a list of them) as bytes. */
export function headerBytes(raw: unknown): Buffer | Buffer[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const one = (v: unknown) => (Buffer.isBuffer(v) ? v : v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(String(v), 'utf8'));
  return Array.isArray(raw) ? raw.map(one) : one(raw);
}

export function headersFrom(raw: Record<string, unknown> | undefined): PipeHeaders {
  const out: PipeHeaders = {};
  for (const [name, v] of Object.entries(raw ?? {})) {
    const bytes = headerBytes(v);
    if (bytes !== undefined) out[name] = bytes;
  }
  return out;
}

export function fromMessage(topic: string, partition: number, m: FetchedRecord): PipeRecord {
  return {
    key: m.key,
    value: m.value,
    headers: headersFrom(m.headers as Record<string, unknown> | undefined),
    origin: { topic, partition, offset: m.offset, timestamp: m.timestamp },
  };
}

export function fromEnvelope(e: ParsedEnvelope): PipeRecord {
  const r: PipeRecord = { key: e.key, value: e.value, headers: headersFrom(e.headers as Record<string, unknown> | undefined) };
  if (e.partition !== undefined) r.partition = e.partition;
  return r;
}

export const toKafkaHeaders = (h: PipeHeaders): RecordHeaders => h;

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Bytes as the text an expression sees: invalid UTF-8 becomes U+FFFD. The same decoder runs in the
 * expression thread, so a string equal to this text means "unchanged" (see `sameBytes`).
 */
export const decodeText = (b: Uint8Array): string => decoder.decode(b);

/**
 * The bytes for a string a transform returned in place of `original`: the original bytes when the
 * string is what the transform was shown (so `r.value` of a binary value keeps its bytes), else UTF-8.
 */
export function sameBytes(text: string, original: Buffer | null | undefined): Buffer {
  if (original && !isUtf8(original) && text === decodeText(original)) return original;
  return Buffer.from(text, 'utf8');
}

/** The JSON envelope line of a record for `--exec-format json`: the shape `consume --output json` prints. */
export function envelopeLine(r: PipeRecord): string {
  const o = r.origin;
  const env = toEnvelope({
    topic: o?.topic ?? '',
    partition: o?.partition ?? r.partition ?? 0,
    offset: o?.offset ?? -1,
    timestamp: o?.timestamp ?? Date.now(),
    key: r.key,
    value: r.value,
    headers: r.headers,
  });
  if (!o) {
    delete env.topic;
    delete env.offset;
    if (r.partition === undefined) delete env.partition;
  }
  return JSON.stringify(env);
}

/** A failure of the user's transform (as opposed to Kafka's): retried, then dead-lettered or fatal. */
export class TransformError extends Error {
  override name = 'TransformError';
  /** False when trying the same batch again cannot help (a record too large for its topic). */
  readonly retriable: boolean = true;
  constructor(message: string, opts: { retriable?: boolean } = {}) {
    super(message);
    if (opts.retriable === false) this.retriable = false;
  }
}

/** The stage was asked to stop while a transform ran: the batch is abandoned, nothing of it committed. */
export class StopRequested extends Error {
  override name = 'StopRequested';
}
