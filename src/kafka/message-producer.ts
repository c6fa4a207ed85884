// A producer of OutgoingRecords for the paths that send few or scattered records (dead letters, the
// copy loop, fencing a transactional id); bulk writes go through src/kafka/produce instead.
import { kafkajsOf, type KafkaClient } from './client.js';
import type { Producer, Transaction } from './kafkajs.js';
import type { OutgoingRecord } from './types.js';

export interface MessageProducerOptions {
  /** Sends in transactions under this id; its first InitProducerId fences an older producer of it. */
  transactionalId?: string;
}

export interface TopicRecords {
  topic: string;
  records: OutgoingRecord[];
}

/** Committed offsets (the next offset to read) of one topic's partitions, as a transaction sends them. */
export interface TopicOffsets {
  topic: string;
  partitions: Array<{ partition: number; offset: string }>;
}

/** One open transaction: records and the group's offsets, committed or aborted together. */
export interface MessageTransaction {
  send(batch: TopicRecords[]): Promise<void>;
  sendOffsets(groupId: string, topics: TopicOffsets[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  isActive(): boolean;
}

/** Idempotent, one request in flight, never creating a topic. Connect before use. */
export class MessageProducer {
  private readonly producer: Producer;

  constructor(client: KafkaClient, opts: MessageProducerOptions = {}) {
    this.producer = kafkajsOf(client).producer({
      idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false,
      ...(opts.transactionalId ? { transactionalId: opts.transactionalId } : {}),
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(topic: string, records: OutgoingRecord[]): Promise<void> {
    await this.producer.send({ topic, messages: records });
  }

  async sendBatch(batch: TopicRecords[]): Promise<void> {
    await this.producer.sendBatch({ topicMessages: batch.map((b) => ({ topic: b.topic, messages: b.records })) });
  }

  async transaction(): Promise<MessageTransaction> {
    return wrapTransaction(await this.producer.transaction());
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

function wrapTransaction(txn: Transaction): MessageTransaction {
  return {
    send: async (batch) => {
      await txn.sendBatch({ topicMessages: batch.map((b) => ({ topic: b.topic, messages: b.records })) });
    },
    sendOffsets: (consumerGroupId, topics) => txn.sendOffsets({ consumerGroupId, topics }),
    commit: () => txn.commit(),
    abort: () => txn.abort(),
    isActive: () => txn.isActive(),
  };
}
