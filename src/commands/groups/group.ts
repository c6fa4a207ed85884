// Lookups shared by the groups subcommands.
import type { KafkaAdmin } from '../../kafka/admin/index.js';
import type { Watermarks } from '../../kafka/types.js';
import { UsageError } from '../../errors.js';

export type { CommittedOffsets as Committed, GroupDescription as GroupState } from '../../kafka/types.js';

/** A group is only safe to change while no consumer is in it. */
export function isActive(state: string): boolean {
  return state !== 'Empty' && state !== 'Dead';
}

export function groupNotFound(groupId: string): UsageError {
  return new UsageError(`group '${groupId}' does not exist`, { hint: 'see `kstream groups list`' });
}

/** Low and high watermarks of every partition of `topic`, by partition. */
export async function watermarks(admin: KafkaAdmin, topic: string): Promise<Map<number, Watermarks>> {
  return new Map((await admin.watermarks(topic)).map((w) => [w.partition, w]));
}
