// Sets up consumer groups with kafkajs directly, so the groups tests do not depend on kstream consume.
import type { Consumer } from '../../src/kafka/kafkajs.js';
import { waitForLeaders } from '../../src/kafka/topic.js';
import { testKafka, testProducer, withTestAdmin } from './kafka.js';

/** Creates `topic` with one partition per entry of `counts`, and `counts[p]` records in partition p. */
export async function seedTopic(topic: string, counts: number[]): Promise<void> {
  await withTestAdmin(async (a) => {
    await a.createTopics({ topics: [{ topic, numPartitions: counts.length }], waitForLeaders: false });
    await waitForLeaders(a, topic, 30_000);
  });
  const producer = await testProducer();
  const messages = counts.flatMap((n, partition) => Array.from({ length: n }, (_, i) => ({ partition, value: `p${partition}-${i}` })));
  if (messages.length) await producer.send({ topic, messages });
  await producer.disconnect();
}

/**
 * Joins `groupId`, reads `read[p]` records of each partition p (skipping partitions with 0),
 * commits exactly those, and leaves the group, as a console consumer does when it exits.
 */
export async function consumeAndCommit(groupId: string, topic: string, read: number[]): Promise<void> {
  const consumer = (await testKafka()).consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const pending = new Set(read.flatMap((n, p) => (n > 0 ? [p] : [])));
  await new Promise<void>((resolve, reject) => {
    if (pending.size === 0) resolve();
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const next = Number(message.offset) + 1;
        if (next !== read[partition]) return;
        await consumer.commitOffsets([{ topic, partition, offset: String(next) }]);
        pending.delete(partition);
        if (pending.size === 0) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
}

/** A member that stays in the group until the returned consumer is disconnected. */
export async function activeMember(groupId: string, topic: string): Promise<Consumer> {
  const consumer = (await testKafka()).consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({ eachMessage: async () => undefined });
  await joined;
  return consumer;
}

/** Values a fresh member of `groupId` reads per partition, starting from the group's offsets, until it has `expected` in all. */
export async function readAsGroup(groupId: string, topic: string, expected: number): Promise<string[]> {
  const consumer = (await testKafka()).consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    if (expected === 0) resolve();
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
        if (values.length === expected) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return values.sort();
}
