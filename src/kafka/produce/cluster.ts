// The part of kafkajs the batch producer stands on: its Cluster (metadata, broker connections
// with SASL and TLS, InitProducerId). kafkajs does not export it, but every client makes one
// per producer through a private factory that carries the client's settings; reaching that
// factory keeps one source of connection settings instead of a second copy of them.
import type { KafkaClient } from '../../kafkajs.js';

export interface KafkajsBroker {
  nodeId: number;
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  connectionPool: { send(request: unknown): Promise<unknown> };
  initProducerId(args: { transactionTimeout: number }): Promise<{ producerId: string; producerEpoch: number }>;
  disconnect(): Promise<void>;
}

export interface PartitionMetadata {
  partitionId: number;
  leader: number | null;
}

export interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findBroker(args: { nodeId: string | number }): Promise<KafkajsBroker>;
  findControllerBroker(): Promise<KafkajsBroker>;
}

const FACTORY = 'private:Kafka:createCluster';

/** A new kafkajs Cluster with `kafka`'s brokers, SASL, TLS, timeouts, retry and logger. */
export function createCluster(kafka: KafkaClient): KafkajsCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === FACTORY);
  const factory = symbol && (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof factory !== 'function') throw new Error(`this kafkajs version has no ${FACTORY}: the produce path needs kafkajs 2.x`);
  return (factory as (opts: object) => KafkajsCluster)({ allowAutoTopicCreation: false, maxInFlightRequests: null });
}
