import { loadKafkajs, type Admin, type Kafka as KafkaClient, type Producer } from '../../src/kafka/kafkajs.js';
import { waitForLeaders } from '../../src/kafka/topic.js';
import { brokers } from './cli.js';

/** A kafkajs client on the test broker (or `on`), for setting up and checking state around CLI runs. */
export async function testKafka(on = brokers()): Promise<KafkaClient> {
  const { Kafka, logLevel } = await loadKafkajs();
  return new Kafka({ brokers: on.split(','), clientId: 'kstream-test', logLevel: logLevel.NOTHING });
}

/**
 * A producer for seeding test topics. Idempotent: a plain kafkajs producer resends a batch whose
 * answer timed out, and a busy, freshly started broker then stores those records twice (a test that
 * expects 30 records finds 40).
 */
export async function testProducer(on = brokers()): Promise<Producer> {
  const producer = (await testKafka(on)).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return producer;
}

export async function withTestAdmin<T>(fn: (admin: Admin) => Promise<T>, on = brokers()): Promise<T> {
  const admin = (await testKafka(on)).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates topics and waits until every partition has a leader. kafkajs's own wait (on by default)
 * gives up when a busy broker still calls a topic it has just created unknown, and a retry of the
 * create then reports "already exists": so it is turned off and the wait is done here.
 */
export async function createTestTopics(
  topics: string[],
  partitions = 1,
  opts: { configs?: Record<string, string>; brokers?: string } = {},
): Promise<void> {
  const configEntries = Object.entries(opts.configs ?? {}).map(([name, value]) => ({ name, value }));
  await withTestAdmin(async (admin) => {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions, configEntries })), waitForLeaders: false });
    for (const topic of topics) await waitForLeaders(admin, topic, 60_000);
  }, opts.brokers ?? brokers());
}
