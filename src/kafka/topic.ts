import type { Admin } from './kafkajs.js';
import { KstreamError, UsageError } from '../errors.js';
import { kafkaCode } from './errors.js';

/** What the topic checks need of an admin client (KafkaAdmin has both). */
export interface TopicLister {
  listTopics(): Promise<string[]>;
  describeTopics(names: string[]): Promise<unknown>;
}

/** Kafka's own rule: 1 to 249 of [a-zA-Z0-9._-], and not '.' or '..'. */
export function validateTopicName(name: string): string {
  if (name === '.' || name === '..' || !/^[a-zA-Z0-9._-]{1,249}$/.test(name)) {
    throw new UsageError(`'${name}' is not a valid topic name`, {
      hint: 'use 1 to 249 letters, digits, dots, underscores or hyphens',
    });
  }
  return name;
}

/**
 * Throws a one-line error naming the first topic of `names` that the cluster does not have. A topic
 * the user may not describe is left out of every listing as if it did not exist: its metadata says which.
 */
export async function requireTopics(admin: TopicLister, names: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = names.find((n) => !existing.has(n));
  if (missing !== undefined) {
    await refuseIfHidden(admin, missing);
    throw new UsageError(`topic '${missing}' does not exist`, {
      hint: `create it with \`kstream topics create ${missing}\`, or see \`kstream topics list\``,
    });
  }
}

/** Throws "not authorized" for a topic missing from a listing because the user may not describe it. */
export async function refuseIfHidden(admin: Omit<TopicLister, 'listTopics'>, topic: string): Promise<void> {
  await admin.describeTopics([topic]).catch((err: unknown) => {
    if (kafkaCode(err) === 'TOPIC_AUTHORIZATION_FAILED') {
      throw new KstreamError(`not authorized to use topic '${topic}' (TOPIC_AUTHORIZATION_FAILED)`, {
        hint: `ask for an ACL that allows it (\`kstream acls create --principal User:NAME --operation read --topic ${topic}\`), or connect as a user that has one`,
      });
    }
  });
}

/**
 * kafkajs's `waitForLeaders` gives up at once when a busy broker still answers "unknown topic"
 * for a topic it has just created; wait for every partition to have a leader instead.
 */
export async function waitForLeaders(admin: Admin, topic: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await admin.fetchTopicMetadata({ topics: [topic] })
      .then(({ topics }) => topics[0]!.partitions.length > 0 && topics[0]!.partitions.every((p) => p.leader >= 0))
      .catch(() => false);
    if (ready) return;
    if (Date.now() > deadline) throw new KstreamError(`topic '${topic}' was created but has no leader after ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
