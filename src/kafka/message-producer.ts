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

const CONNECT_RETRY_MS = 500;

/** Idempotent, one request in flight, never creating a topic. Connect before use. */
export class MessageProducer {
  private producer: Producer;
  private readonly make: () => Producer;

  constructor(private readonly client: KafkaClient, opts: MessageProducerOptions = {}) {
    this.make = () => kafkajsOf(client).producer({
      idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false,
      ...(opts.transactionalId ? { transactionalId: opts.transactionalId } : {}),
    });
    this.producer = this.make();
  }

  /**
   * Connects, and again while a connection is refused, for the client's --timeout. Right after a
   * broker went away the metadata may still name it the controller, and kafkajs's InitProducerId
   * gives up on a refused connection at once (it retries only protocol errors). Connecting sends
   * no record, so another try cannot duplicate one; each try is a new kafkajs producer, as a
   * failed InitProducerId leaves the old one's state unknown.
   */
  async connect(): Promise<void> {
    const deadline = Date.now() + this.client.conn.timeoutMs;
    for (;;) {
      try {
        return await this.producer.connect();
      } catch (err) {
        await this.producer.disconnect().catch(() => undefined);
        if ((err as Error).name !== 'KafkaJSConnectionError' || Date.now() + CONNECT_RETRY_MS > deadline) throw err;
        await new Promise((r) => setTimeout(r, CONNECT_RETRY_MS));
        this.producer = this.make();
      }
    }
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
