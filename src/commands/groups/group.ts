// Lookups shared by the groups subcommands.
import { loadKafkajs, type Admin } from '../../kafkajs.js';
import { UsageError } from '../../errors.js';

export interface GroupState {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: Array<{ memberId: string; clientId: string; clientHost: string; memberAssignment: Buffer }>;
}

/** Committed offsets by topic, then partition; partitions without a commit are left out. */
export type Committed = Map<string, Map<number, number>>;

/** A group is only safe to change while no consumer is in it. */
export function isActive(state: string): boolean {
  return state !== 'Empty' && state !== 'Dead';
}

export function groupNotFound(groupId: string): UsageError {
  return new UsageError(`group '${groupId}' does not exist`, { hint: 'see `kstream groups list`' });
}

export async function describeGroup(admin: Admin, groupId: string): Promise<GroupState> {
  const { groups } = await admin.describeGroups([groupId]);
  return groups[0] as GroupState;
}

/** `topics` omitted: every topic the group has committed offsets for. */
export async function fetchCommitted(admin: Admin, groupId: string, topics?: string[]): Promise<Committed> {
  const result = await admin.fetchOffsets(topics ? { groupId, topics } : { groupId });
  const committed: Committed = new Map();
  for (const { topic, partitions } of result) {
    const byPartition = new Map<number, number>();
    // Kafka answers -1 for a partition the group never committed.
    for (const p of partitions) if (Number(p.offset) >= 0) byPartition.set(p.partition, Number(p.offset));
    if (byPartition.size > 0) committed.set(topic, byPartition);
  }
  return committed;
}

/** The partitions a consumer-protocol member was given; other protocols (e.g. Connect) have none we can read. */
export async function assignedPartitions(group: GroupState, memberAssignment: Buffer): Promise<Record<string, number[]>> {
  if (group.protocolType !== 'consumer' || memberAssignment.length === 0) return {};
  const { AssignerProtocol } = await loadKafkajs();
  try {
    return AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment ?? {};
  } catch {
    return {};
  }
}

/** Low and high watermarks of every partition of `topic`. */
export async function watermarks(admin: Admin, topic: string): Promise<Map<number, { low: number; high: number }>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
}
