import type { EachBatchPayload } from '../../kafkajs.js';
import { headersToJson, toEnvelope, type ParsedEnvelope } from '../../records/envelope.js';

/** Where a record was read from; kept through --map and --filter, lost after --exec (its output belongs to the whole batch). */
export interface Origin {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
}

/** One record moving through a stage's transforms. `partition` is the destination partition, when one was chosen. */
export interface PipeRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | string[]>;
  partition?: number;
  origin?: Origin;
}

type KafkaMessage = EachBatchPayload['batch']['messages'][number];

export function fromMessage(topic: string, partition: number, m: KafkaMessage): PipeRecord {
  return {
    key: m.key,
    value: m.value,
    headers: headersToJson(m.headers),
    origin: { topic, partition, offset: m.offset, timestamp: m.timestamp },
  };
}

export function fromEnvelope(e: ParsedEnvelope): PipeRecord {
  const r: PipeRecord = { key: e.key, value: e.value, headers: headersToJson(e.headers) };
  if (e.partition !== undefined) r.partition = e.partition;
  return r;
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
}
