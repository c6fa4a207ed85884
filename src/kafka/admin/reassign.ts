// AlterPartitionReassignments (API key 45) and ListPartitionReassignments (46), KIP-455: kafkajs
// has neither in a form that reports each partition's error, so kstream sends them itself. Both
// exist only in flexible versions. Sent to any broker: in KRaft it forwards them to the controller.
import type { KafkajsBroker } from '../cluster.js';
import { errorName } from '../protocol/errors.js';
import { pickVersion, sendRaw } from '../protocol/request.js';

export const ALTER_REASSIGNMENTS = 45;
export const LIST_REASSIGNMENTS = 46;

export interface Reassignment {
  topic: string;
  partition: number;
  /** The new replica list, preferred leader first; null cancels a reassignment in progress. */
  replicas: number[] | null;
}

export interface PartitionError { topic: string; partition: number; error?: string; message?: string }

export interface AlterResult {
  /** A request-level error (NOT_CONTROLLER, CLUSTER_AUTHORIZATION_FAILED…). */
  error?: string;
  message?: string;
  partitions: PartitionError[];
}

export async function alterReassignments(broker: KafkajsBroker, items: Reassignment[], timeoutMs: number): Promise<AlterResult> {
  const byTopic = groupByTopic(items);
  return sendRaw(broker, {
    apiKey: ALTER_REASSIGNMENTS,
    apiName: 'AlterPartitionReassignments',
    apiVersion: pickVersion(broker, ALTER_REASSIGNMENTS, 'AlterPartitionReassignments', { min: 0, max: 0 }),
    flexible: true,
    encode: (w) => {
      w.int32(timeoutMs);
      w.compactArray([...byTopic], (w, [topic, parts]) => {
        w.compactString(topic);
        w.compactArray(parts, (w, p) => {
          w.int32(p.partition);
          if (p.replicas === null) w.uvarint(0);
          else w.compactArray(p.replicas, (w, id) => w.int32(id));
          w.tags();
        });
        w.tags();
      });
      w.tags();
    },
    decode: (r) => {
      r.int32(); // throttle time
      const error = errorName(r.int16());
      const message = r.compactString() ?? undefined;
      const partitions = r.compactArray((t) => {
        const topic = t.compactString() ?? '';
        const parts = t.compactArray((p) => {
          const partition = p.int32();
          const err = errorName(p.int16());
          const msg = p.compactString() ?? undefined;
          p.tags();
          return { topic, partition, error: err, message: msg };
        });
        t.tags();
        return parts;
      }).flat();
      r.tags();
      return { error, message, partitions };
    },
  });
}

export interface OngoingReassignment { topic: string; partition: number; replicas: number[]; adding: number[]; removing: number[] }

/** The reassignments in progress, of `topics` or (null) of every topic. */
export async function listReassignments(broker: KafkajsBroker, topics: Map<string, number[]> | null, timeoutMs: number): Promise<{ error?: string; ongoing: OngoingReassignment[] }> {
  return sendRaw(broker, {
    apiKey: LIST_REASSIGNMENTS,
    apiName: 'ListPartitionReassignments',
    apiVersion: pickVersion(broker, LIST_REASSIGNMENTS, 'ListPartitionReassignments', { min: 0, max: 0 }),
    flexible: true,
    encode: (w) => {
      w.int32(timeoutMs);
      w.compactArray(topics === null ? null : [...topics], (w, [topic, parts]) => {
        w.compactString(topic);
        w.compactArray(parts, (w, p) => w.int32(p));
        w.tags();
      });
      w.tags();
    },
    decode: (r) => {
      r.int32(); // throttle time
      const error = errorName(r.int16());
      r.compactString(); // error message
      const ints = (x: typeof r) => x.compactArray((y) => y.int32());
      const ongoing = r.compactArray((t) => {
        const topic = t.compactString() ?? '';
        const parts = t.compactArray((p) => {
          const out = { topic, partition: p.int32(), replicas: ints(p), adding: ints(p), removing: ints(p) };
          p.tags();
          return out;
        });
        t.tags();
        return parts;
      }).flat();
      r.tags();
      return { error, ongoing };
    },
  });
}

function groupByTopic(items: Reassignment[]): Map<string, Reassignment[]> {
  const out = new Map<string, Reassignment[]>();
  for (const i of items) out.set(i.topic, [...(out.get(i.topic) ?? []), i]);
  return out;
}

/**
 * The replica list of each partition for a replication factor of `factor`: shrinking keeps the
 * first replicas (the preferred leader stays); growing adds the brokers holding the fewest replicas
 * of this topic so far, ties broken by rotating from the partition number, as Kafka spreads them.
 */
export function planReplicationFactor(current: Array<{ partition: number; replicas: number[] }>, brokers: number[], factor: number): Array<{ partition: number; replicas: number[] }> {
  const load = new Map(brokers.map((b) => [b, 0]));
  for (const p of current) for (const r of p.replicas.slice(0, factor)) load.set(r, (load.get(r) ?? 0) + 1);
  const sorted = [...brokers].sort((a, b) => a - b);
  return [...current].sort((a, b) => a.partition - b.partition).map((p) => {
    const replicas = p.replicas.slice(0, factor);
    while (replicas.length < factor) {
      const rotated = sorted.map((_, i) => sorted[(i + p.partition) % sorted.length]!);
      const next = rotated.filter((b) => !replicas.includes(b)).sort((a, b) => load.get(a)! - load.get(b)!)[0]!;
      replicas.push(next);
      load.set(next, load.get(next)! + 1);
    }
    return { partition: p.partition, replicas };
  });
}
