import type { KafkaAdmin } from '../../kafka/admin/index.js';
import type { PipeRecord } from './record.js';

/** Kafka's default max.message.bytes, used if a topic's cannot be read. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
/** The header of a record batch (format v2): what a batch adds to its records. */
export const BATCH_HEADER_BYTES = 61;

/** max.message.bytes of each topic a stage writes (destinations and the DLQ). */
export type TopicLimits = Map<string, number>;

export async function readLimits(admin: KafkaAdmin, topics: string[]): Promise<TopicLimits> {
  const names = ['max.message.bytes'];
  // Reading configs may be denied where writing is allowed: then assume Kafka's default.
  const configs = await Promise.all(topics.map((name) => admin.describeConfigs({ type: 'topics', name }, names))).catch(() => undefined);
  return new Map(topics.map((t, i) => {
    const entry = configs?.[i]!.find((e) => e.name === 'max.message.bytes');
    return [t, Number(entry?.value ?? DEFAULT_MAX_MESSAGE_BYTES)];
  }));
}

const varintBytes = (n: number): number => {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  let bytes = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    bytes++;
  }
  return bytes;
};

const field = (b: Buffer | null): number => (b === null ? varintBytes(-1) : varintBytes(b.length) + b.length);

/** The bytes of `r` as a record of a batch (attributes, deltas, key, value, headers and its length prefix). */
export function recordBytes(r: Pick<PipeRecord, 'key' | 'value' | 'headers'>): number {
  const headers = Object.entries(r.headers).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((b) => [Buffer.byteLength(name), b.length] as const));
  // 3 bytes: attributes, and the timestamp and offset deltas of a batch's first record (zero).
  let body = 3 + field(r.key) + field(r.value) + varintBytes(headers.length);
  for (const [name, value] of headers) body += varintBytes(name) + name + varintBytes(value) + value;
  return varintBytes(body) + body;
}

/** The size of a batch holding only `r`: what the broker checks against max.message.bytes. */
export const aloneBytes = (r: Pick<PipeRecord, 'key' | 'value' | 'headers'>): number => BATCH_HEADER_BYTES + recordBytes(r);
