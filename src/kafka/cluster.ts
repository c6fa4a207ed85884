// kafkajs's Cluster: metadata, leaders and broker connections with the client's TLS, SASL,
// timeouts, retry and logger. kafkajs does not export it, and has no public way to send a request
// of one's own (kstream's Produce and Fetch, and OffsetDelete, which kafkajs lacks). Every kafkajs
// client builds its clusters with a private factory, a Symbol property; reaching it keeps one source
// of connection settings instead of a second copy. test/unit/kafka-fetch-cluster.test.ts fails if a
// kafkajs update renames it.
import { kafkajsOf, type KafkaClient } from './client.js';
import { KstreamError } from '../errors.js';

export interface KafkajsBroker {
  nodeId: number;
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  /** Sends a protocol request object ({request: {apiKey, apiVersion, encode}, response: {decode, parse}}). */
  connectionPool: { send<T = unknown>(request: unknown): Promise<T> };
  initProducerId(args: { transactionalId?: string; transactionTimeout: number }): Promise<{ producerId: string; producerEpoch: number }>;
  /** Metadata of these topics; rejects with the first topic's error (kafkajs's parse step). */
  metadata(topics: string[]): Promise<{ topicMetadata: Array<{ topic: string; partitionMetadata: unknown[] }> }>;
  // The transaction protocol (transaction.ts); producerId as kafkajs decoded it, a decimal string.
  addPartitionsToTxn(args: TxnIds & { topics: Array<{ topic: string; partitions: number[] }> }): Promise<unknown>;
  addOffsetsToTxn(args: TxnIds & { groupId: string }): Promise<unknown>;
  txnOffsetCommit(args: TxnIds & {
    groupId: string; topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string; metadata: string | null }> }>;
  }): Promise<unknown>;
  endTxn(args: TxnIds & { transactionResult: boolean }): Promise<unknown>;
  disconnect(): Promise<void>;
}

export interface TxnIds {
  transactionalId: string;
  producerId: string;
  producerEpoch: number;
}

export interface PartitionMetadata {
  partitionId: number;
  leader: number | null;
}

export interface KafkajsCluster {
  /** kafkajs's internal pool; its seed broker is set once `connect` began (see `seedBroker`). */
  brokerPool: { seedBroker?: KafkajsBroker };
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findBroker(args: { nodeId: string | number }): Promise<KafkajsBroker>;
  findControllerBroker(): Promise<KafkajsBroker>;
  /** coordinatorType 0: the group's coordinator (default), 1: a transactional id's. */
  findGroupCoordinator(args: { groupId: string; coordinatorType?: number }): Promise<KafkajsBroker>;
  fetchTopicsOffset(topics: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning: boolean }>): Promise<
    Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>
  >;
}

export interface ClusterOptions {
  /** The isolation level of ListOffsets (offset resets): read_committed unless false. */
  readCommitted?: boolean;
  /** kafkajs's in-flight limit per connection; null: none (the batch producer keeps its own). */
  maxInFlightRequests?: number | null;
}

/**
 * The broker a cluster connected to first (after `connect`): it answers without any metadata
 * loaded. Loading metadata before a topic is known means all of it: kafkajs encodes an empty
 * topic list as null, which Kafka reads as every topic (6,000 partitions: a 226 KB answer and
 * 25 ms of CPU to decode, on each start). Its BrokerPool is internal; a unit test checks it.
 */
export function seedBroker(cluster: KafkajsCluster): KafkajsBroker {
  const seed = cluster.brokerPool?.seedBroker;
  if (!seed) throw new KstreamError('this kafkajs version keeps no seed broker kstream can use', { hint: 'reinstall kstream with the kafkajs version in its package.json' });
  return seed;
}

const FACTORY = 'private:Kafka:createCluster';

/** A new kafkajs Cluster with `client`'s settings; connect it before use, disconnect it after. */
export function createCluster(client: KafkaClient, opts: ClusterOptions = {}): KafkajsCluster {
  const kafka = kafkajsOf(client);
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === FACTORY);
  const factory = symbol && (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof factory !== 'function') {
    throw new KstreamError('this kafkajs version has no cluster factory kstream can use', { hint: 'reinstall kstream with the kafkajs version in its package.json' });
  }
  return (factory as (o: object) => KafkajsCluster)({
    allowAutoTopicCreation: false,
    // isolationLevel: 1 read_committed, 0 read_uncommitted.
    isolationLevel: opts.readCommitted === false ? 0 : 1,
    ...(opts.maxInFlightRequests !== undefined ? { maxInFlightRequests: opts.maxInFlightRequests } : {}),
  });
}
