import { describe, expect, it } from 'vitest';
import { loadKafkajs } from '../../src/kafka/kafkajs.js';
import { createCluster, seedBroker } from '../../src/kafka/cluster.js';
import { wrapClient } from '../../src/kafka/client.js';

// The fetch path reaches kafkajs's cluster through a private factory; a kafkajs update that renames
// it must fail here, not at a user's first consume.
describe('createCluster', () => {
  it('finds kafkajs\'s cluster factory and gives a cluster with the methods the fetcher uses', async () => {
    const { Kafka, logLevel } = await loadKafkajs();
    const conn = { brokers: ['127.0.0.1:1'], clientId: 'test', timeoutMs: 1000, verbose: false };
    const cluster = createCluster(wrapClient(conn, new Kafka({ brokers: conn.brokers, logLevel: logLevel.NOTHING }), () => undefined), { readCommitted: true });
    for (const m of ['connect', 'disconnect', 'addTargetTopic', 'refreshMetadata', 'findTopicPartitionMetadata', 'findBroker', 'fetchTopicsOffset']) {
      expect(typeof (cluster as unknown as Record<string, unknown>)[m], m).toBe('function');
    }
  });

  it('keeps the seed broker the producer asks before any metadata is loaded', async () => {
    const { Kafka, logLevel } = await loadKafkajs();
    const conn = { brokers: ['127.0.0.1:1'], clientId: 'test', timeoutMs: 1000, verbose: false };
    const cluster = createCluster(wrapClient(conn, new Kafka({ brokers: conn.brokers, logLevel: logLevel.NOTHING }), () => undefined));
    expect(() => seedBroker(cluster)).toThrow(/no seed broker/);
    // What connect does first, without connecting.
    await (cluster.brokerPool as unknown as { createSeedBroker(): Promise<void> }).createSeedBroker();
    const seed = seedBroker(cluster);
    for (const m of ['initProducerId', 'metadata', 'disconnect']) expect(typeof (seed as unknown as Record<string, unknown>)[m], m).toBe('function');
    expect(seed.connectionPool).toBeDefined();
  });
});
