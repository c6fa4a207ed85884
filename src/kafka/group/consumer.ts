// A member of a consumer group (consume --group, pipeline stages, copy), in kstream's types: it
// fetches batches of FetchedRecords, and its caller resolves, commits, seeks, pauses and resumes.
// kafkajs's consumer does the group protocol; what kstream works around in it lives here.
import { kafkajsOf, type KafkaClient } from '../client.js';
import type { Consumer, ConsumerConfig, EachBatchPayload } from '../kafkajs.js';
import type { FetchedBatch, FetchedRecord, TopicPartition } from '../types.js';

export interface GroupConsumerOptions {
  groupId: string;
  readUncommitted: boolean;
  /** How long the broker may hold a fetch for new records. */
  maxWaitMs?: number;
  minBytes?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * Fail after a few retries instead of the client restarting the member itself: for callers that
   * reconnect with fresh clients (a pipeline stage, a copy). The crash handler then sees the error.
   */
  failFast?: boolean;
}

/** What a batch handler may do while it holds the batch. */
export interface BatchControl {
  /** Marks the records up to `offset` as processed (committing is the caller's, see `commit`). */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  /** The partition was revoked or sought meanwhile: the batch is no longer this member's to process. */
  isStale(): boolean;
}

export interface RunOptions {
  /** How many partitions' batches are handled at once; default one. */
  concurrency?: number;
  eachBatch(batch: FetchedBatch, control: BatchControl): Promise<void>;
}

/** `{topic, partitions}` per topic: the shape kafkajs's pause and resume take. */
function byTopic(tps: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const out = new Map<string, number[]>();
  for (const { topic, partition } of tps) out.set(topic, [...(out.get(topic) ?? []), partition]);
  return [...out].map(([topic, partitions]) => ({ topic, partitions }));
}

export class GroupConsumer {
  private readonly consumer: Consumer;

  constructor(client: KafkaClient, opts: GroupConsumerOptions) {
    const config: ConsumerConfig = { groupId: opts.groupId, readUncommitted: opts.readUncommitted, allowAutoTopicCreation: false };
    if (opts.maxWaitMs !== undefined) config.maxWaitTimeInMs = opts.maxWaitMs;
    if (opts.minBytes !== undefined) config.minBytes = opts.minBytes;
    if (opts.maxBytes !== undefined) config.maxBytes = opts.maxBytes;
    if (opts.maxBytesPerPartition !== undefined) config.maxBytesPerPartition = opts.maxBytesPerPartition;
    if (opts.sessionTimeoutMs !== undefined) config.sessionTimeout = opts.sessionTimeoutMs;
    if (opts.heartbeatIntervalMs !== undefined) config.heartbeatInterval = opts.heartbeatIntervalMs;
    if (opts.failFast) config.retry = { retries: 3, restartOnFailure: async () => false };
    this.consumer = kafkajsOf(client).consumer(config);
  }

  /**
   * The member failed. `restarting`: the client restarts it by itself (after retriable errors, a
   * coordinator still loading, unless failFast), so the run goes on and a new join follows.
   */
  onCrash(handler: (error: unknown, restarting: boolean) => void): void {
    this.consumer.on(this.consumer.events.CRASH, (e) => handler(e.payload.error, e.payload.restart));
  }

  /** The member joined the group (the first time, after a rebalance, after a restart) and got `assigned`. */
  onJoin(handler: (assigned: TopicPartition[]) => void): void {
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      handler(Object.entries(e.payload.memberAssignment).flatMap(([topic, ps]) => (ps ?? []).map((partition) => ({ topic, partition }))));
    });
  }

  /**
   * A fetched batch with nothing to hand over moved a partition's position to `next`: batches of
   * only transaction markers or aborted records never reach eachBatch, and kafkajs tells of them
   * only as the end of a batch process of size 0.
   */
  onEmptyBatch(handler: (tp: TopicPartition, next: string) => void): void {
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0) handler({ topic: payload.topic, partition: payload.partition }, (BigInt(payload.lastOffset) + 1n).toString());
    });
  }

  /**
   * On every join, starts each assigned partition for which `at` knows a position there rather
   * than at the group's committed offset: a seek in kafkajs's join event comes before the first
   * fetch of the assignment, so no record before it is fetched.
   */
  seekOnJoin(at: (topic: string, partition: number) => string | undefined): void {
    this.onJoin((assigned) => {
      for (const { topic, partition } of assigned) {
        const offset = at(topic, partition);
        if (offset !== undefined) this.consumer.seek({ topic, partition, offset });
      }
    });
  }

  connect(): Promise<void> {
    return this.consumer.connect();
  }

  /** `fromBeginning`: where partitions without a committed offset start (else at the end). */
  subscribe(topics: string[], fromBeginning: boolean): Promise<void> {
    return this.consumer.subscribe({ topics, fromBeginning });
  }

  /** Starts fetching; nothing is committed or resolved but what the handler says. */
  run(opts: RunOptions): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      ...(opts.concurrency !== undefined ? { partitionsConsumedConcurrently: opts.concurrency } : {}),
      eachBatch: (payload) => opts.eachBatch(toBatch(payload.batch), payload),
    });
  }

  /** Commits the group's offsets (the next offset to read) of these partitions. */
  commit(offsets: Array<TopicPartition & { offset: string; metadata?: string | null }>): Promise<void> {
    return this.consumer.commitOffsets(offsets);
  }

  seek(tp: TopicPartition, offset: string): void {
    this.consumer.seek({ topic: tp.topic, partition: tp.partition, offset });
  }

  pause(tps: readonly TopicPartition[]): void {
    this.consumer.pause(byTopic(tps));
  }

  resume(tps: readonly TopicPartition[]): void {
    this.consumer.resume(byTopic(tps));
  }

  disconnect(): Promise<void> {
    return this.consumer.disconnect();
  }
}

function toBatch(batch: EachBatchPayload['batch']): FetchedBatch {
  return {
    topic: batch.topic,
    partition: batch.partition,
    // The fetch decoder (kafkajs-decoder.ts) makes every record in FetchedRecord's shape.
    records: batch.messages as unknown as FetchedRecord[],
    highWatermark: batch.highWatermark,
    lastOffset: batch.lastOffset(),
  };
}
