// Which topics a consume reads: named ones, and with --include every topic whose whole name matches
// a regular expression, as Kafka's console consumer matches it (internal `__` topics left out).
import type { KafkaAdmin } from '../../kafka/admin/index.js';
import { UsageError } from '../../errors.js';
import { requireTopics, validateTopicName } from '../../kafka/topic.js';

/** One partition of one topic, and the string key maps use for it. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

export const tpKey = (topic: string, partition: number): string => `${topic}/${partition}`;

export interface TopicSelection {
  names: string[];
  include?: RegExp;
}

/** Checks the names and compiles --include (matched against the whole topic name). */
export function topicSelection(names: string[], include?: string): TopicSelection {
  if (names.length === 0 && include === undefined) {
    throw new UsageError('name a topic to read, or pass --include REGEX', { hint: 'e.g. kstream consume orders, or kstream consume --include "orders-.*"' });
  }
  const checked = [...new Set(names.map(validateTopicName))];
  if (include === undefined) return { names: checked };
  try {
    return { names: checked, include: new RegExp(`^(?:${include})$`) };
  } catch (err) {
    throw new UsageError(`--include '${include}' is not a regular expression: ${(err as Error).message}`, { hint: 'a JavaScript regular expression matched against the whole topic name, e.g. "orders-.*"' });
  }
}

/** Internal topics (__consumer_offsets, __transaction_state) are never matched by --include. */
export function matches(sel: TopicSelection, topic: string): boolean {
  return sel.include !== undefined && !topic.startsWith('__') && sel.include.test(topic);
}

/** The topics to read now: the named ones (which must exist), then those --include matches, sorted. */
export async function resolveTopics(admin: KafkaAdmin, sel: TopicSelection): Promise<string[]> {
  await requireTopics(admin, sel.names);
  if (!sel.include) return sel.names;
  const named = new Set(sel.names);
  const found = (await admin.listTopics()).filter((t) => !named.has(t) && matches(sel, t)).sort();
  return [...sel.names, ...found];
}

export function fromKey(key: string): TopicPartition {
  const slash = key.lastIndexOf('/');
  return { topic: key.slice(0, slash), partition: Number(key.slice(slash + 1)) };
}
