// kafkajs's cluster (metadata, leaders, broker connections with TLS and SASL) without its consumer.
// kafkajs has no public way to send a request of one's own, and its consumer needs a group even to
// read a fixed set of partitions. Its Kafka object builds clusters with a private factory (a Symbol
// property); this finds it by the Symbol's description. Pinned by test/unit/kafka-fetch-cluster.test.ts,
// which fails if a kafkajs update renames it.
import type { KafkaClient } from '../../kafkajs.js';
import { KstreamError } from '../../errors.js';

export interface PartitionLeader {
  partitionId: number;
  leader: number;
}

/** The part of a kafkajs broker used here: its connection pool sends our Fetch on its fetch connection. */
export interface KafkaBroker {
  versions?: Record<number, { minVersion: number; maxVersion: number }>;
  connectionPool: { send<T>(protocol: unknown): Promise<T> };
}

/** The part of kafkajs's Cluster used here. */
export interface KafkaCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionLeader[];
  findBroker(opts: { nodeId: string }): Promise<KafkaBroker>;
  fetchTopicsOffset(topics: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning: boolean }>): Promise<
    Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>
  >;
}

const FACTORY = 'private:Kafka:createCluster';

export function createCluster(kafka: KafkaClient, opts: { readCommitted: boolean }): KafkaCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === FACTORY);
  const factory = symbol && (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof factory !== 'function') {
    throw new KstreamError('this kafkajs version has no cluster factory kstream can use', { hint: 'reinstall kstream with the kafkajs version in its package.json' });
  }
  // isolationLevel is what ListOffsets (offset resets) uses: 1 read_committed, 0 read_uncommitted.
  return factory({ allowAutoTopicCreation: false, isolationLevel: opts.readCommitted ? 1 : 0 }) as KafkaCluster;
}
