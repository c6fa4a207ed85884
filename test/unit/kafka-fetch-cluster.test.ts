import { describe, expect, it } from 'vitest';
import { loadKafkajs } from '../../src/kafka/kafkajs.js';
import { createCluster } from '../../src/kafka/cluster.js';

// The fetch path reaches kafkajs's cluster through a private factory; a kafkajs update that renames
// it must fail here, not at a user's first consume.
describe('createCluster', () => {
  it('finds kafkajs\'s cluster factory and gives a cluster with the methods the fetcher uses', async () => {
    const { Kafka, logLevel } = await loadKafkajs();
    const cluster = createCluster(new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING }), { readCommitted: true });
    for (const m of ['connect', 'disconnect', 'addTargetTopic', 'refreshMetadata', 'findTopicPartitionMetadata', 'findBroker', 'fetchTopicsOffset']) {
      expect(typeof (cluster as unknown as Record<string, unknown>)[m], m).toBe('function');
    }
  });
});
