// What `kstream cluster describe` shows, gathered in one pass: DescribeCluster for ids and racks,
// each broker's ApiVersions (kafkajs asks every broker it connects to and keeps the answer), the
// advertised listeners from each broker's own config, and the partitions that are not healthy.
import { ConnectionError } from '../../errors.js';
import { advertisedUnreachable, fromKafkaError } from '../errors.js';
import { apiName } from './api-names.js';
import { describeCluster, type ClusterBroker } from './describe-cluster.js';
import type { AdminSession } from './session.js';

export interface ApiRange { key: number; name: string; min: number; max: number }

export interface BrokerInfo extends ClusterBroker {
  controller: boolean;
  /** advertised.listeners from the broker's config; null when it could not be read. */
  advertisedListeners: string[] | null;
  apiVersions: ApiRange[];
}

export type PartitionProblem = 'offline' | 'under-replicated' | 'below-min-isr';

export interface PartitionHealth {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  minIsr: number;
  problems: PartitionProblem[];
}

export interface ClusterDescription {
  clusterId: string;
  controller: number;
  brokers: BrokerInfo[];
  /** Versions every broker speaks: the intersection of their ranges. */
  apiVersions: ApiRange[];
  unhealthy: PartitionHealth[];
}

export async function gatherCluster(s: AdminSession): Promise<ClusterDescription> {
  const info = await describeCluster(await s.controller());
  const brokers: BrokerInfo[] = [];
  for (const b of info.brokers) {
    const conn = await connectTo(s, b);
    brokers.push({ ...b, controller: b.nodeId === info.controller, advertisedListeners: null, apiVersions: ranges(conn.versions ?? {}) });
  }
  await addListeners(s, brokers);
  return { clusterId: info.clusterId, controller: info.controller, brokers, apiVersions: intersect(brokers.map((b) => b.apiVersions)), unhealthy: await partitionHealth(s) };
}

/** A connection to one broker at its advertised address; the error names that address. */
async function connectTo(s: AdminSession, b: ClusterBroker) {
  try {
    return await s.cluster.findBroker({ nodeId: String(b.nodeId) });
  } catch (err) {
    const mapped = fromKafkaError(err, s.conn.brokers);
    const address = `${b.host}:${b.port}`;
    if (mapped instanceof ConnectionError && !s.conn.brokers.includes(address)) throw advertisedUnreachable(address, s.conn.brokers, err, b.nodeId);
    throw mapped;
  }
}


function ranges(versions: Record<number, { minVersion: number; maxVersion: number }>): ApiRange[] {
  return Object.entries(versions)
    .map(([key, v]) => ({ key: Number(key), name: apiName(Number(key)), min: v.minVersion, max: v.maxVersion }))
    .sort((a, b) => a.key - b.key);
}

export function intersect(perBroker: ApiRange[][]): ApiRange[] {
  if (perBroker.length === 0) return [];
  const [first, ...rest] = perBroker;
  return first!.flatMap((api) => {
    let { min, max } = api;
    for (const other of rest) {
      const o = other.find((x) => x.key === api.key);
      if (!o) return [];
      min = Math.max(min, o.min);
      max = Math.min(max, o.max);
    }
    return min <= max ? [{ ...api, min, max }] : [];
  });
}

async function addListeners(s: AdminSession, brokers: BrokerInfo[]): Promise<void> {
  await Promise.all(brokers.map(async (b) => {
    try {
      const [entry] = await s.admin.describeConfigs({ type: 'brokers', name: String(b.nodeId) }, ['advertised.listeners']);
      if (entry?.value) b.advertisedListeners = entry.value.split(',').map((l) => l.trim()).filter(Boolean);
    } catch {
      // Reading broker configs needs DESCRIBE_CONFIGS on the cluster; without it the listeners stay unknown.
    }
  }));
}

async function partitionHealth(s: AdminSession): Promise<PartitionHealth[]> {
  const names = await s.admin.listTopics();
  if (names.length === 0) return [];
  const [topics, minIsr] = await Promise.all([s.admin.describeTopics(names), minIsrs(s, names)]);
  return topics.flatMap((t) => t.partitions.map((p) => {
    const health = { topic: t.name, partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, minIsr: minIsr.get(t.name) ?? 1 };
    return { ...health, problems: problemsOf(health) };
  })).filter((p) => p.problems.length > 0).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

export function problemsOf(p: { leader: number; replicas: number[]; isr: number[]; minIsr: number }): PartitionProblem[] {
  const out: PartitionProblem[] = [];
  if (p.leader < 0) out.push('offline');
  if (p.isr.length < p.replicas.length) out.push('under-replicated');
  if (p.isr.length < p.minIsr) out.push('below-min-isr');
  return out;
}

/** min.insync.replicas of each topic (its own value or the broker default). */
export async function minIsrs(s: Pick<AdminSession, 'admin'>, topics: string[]): Promise<Map<string, number>> {
  const values = await Promise.all(topics.map(async (name) => {
    const [entry] = await s.admin.describeConfigs({ type: 'topics', name }, ['min.insync.replicas']);
    return [name, Number(entry?.value ?? 1)] as const;
  }));
  return new Map(values);
}
