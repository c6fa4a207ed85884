// The transactional producer of the pipeline: record batches kstream writes itself, inside
// transactions coordinated through kafkajs's broker requests.
//
// Why split this way: what costs per record is encoding (kafkajs builds a JS object, a Long and
// a growable encoder per record; most of a pipeline's CPU went there). The transaction protocol
// costs per batch, a handful of small requests, and is subtle (coordinator lookup, fencing, the
// retriable CONCURRENT_TRANSACTIONS after each commit), so it stays on kafkajs's request codecs:
//   InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn  -> the transaction coordinator
//   TxnOffsetCommit                                              -> the group coordinator
// The Produce requests carry kstream's own RecordBatch v2 bytes (encode.ts) with the
// transactional flag, the producer id and epoch from InitProducerId and a sequence number per
// partition, and the transactional id in the request, over kafkajs's connections (cluster.ts).
//
// One transaction at a time, and within it one batch per partition in flight (rounds, as in
// sender.ts): sequence numbers reach each partition in order, and a batch that fails with a
// retriable error is sent again with the same bytes (the broker writes it once). Produce and
// the offsets (AddOffsetsToTxn, then TxnOffsetCommit) travel at the same time; EndTxn waits for
// both. Any failure aborts the transaction (best effort) and is thrown: the caller starts again
// with a new producer, whose InitProducerId aborts whatever is left open and bumps the epoch.
import type { KafkaClient } from '../client.js';
import { BatchBuilder } from '../codec/encode.js';
import { createCluster, type KafkajsBroker, type KafkajsCluster } from '../cluster.js';
import { isRetriable } from './producer.js';
import { queueProduce } from './direct.js';
import { createErrorFromCode } from '../kafkajs-internal.js';
import { MAX_PRODUCE_VERSION, MIN_PRODUCE_VERSION, PRODUCE_API_KEY, type PartitionBatch, type PartitionResult } from './request.js';

const TRANSACTION_COORDINATOR = 1;
const DUPLICATE_SEQUENCE_NUMBER = 46;
const SEQUENCE_WRAP = 2 ** 31;
const RETRY_BACKOFF_MS = [100, 200, 400, 800, 1000];
/**
 * The coordinator answers CONCURRENT_TRANSACTIONS while it writes the markers of the previous
 * transaction, a few milliseconds after each commit. kafkajs backs off 300 ms and more, once per
 * transaction; the Java producer retries after 20 ms. So does this.
 */
const CONCURRENT_BACKOFF_MS = [5, 10, 20, 50, 100];
const STALE_COORDINATOR = new Set(['NOT_COORDINATOR', 'NOT_COORDINATOR_FOR_GROUP', 'COORDINATOR_NOT_AVAILABLE', 'GROUP_COORDINATOR_NOT_AVAILABLE']);

export interface TransactionalSettings {
  transactionalId: string;
  /** Every topic the producer may write (destinations and a DLQ): their metadata is loaded on connect. */
  topics: string[];
  /** How long one failing request is retried before the transaction fails. */
  retryMs: number;
  /** Produce timeout_ms: how long the broker may take to replicate a batch (acks=all). */
  ackTimeoutMs: number;
  transactionTimeoutMs: number;
}

/** One committed position of a consumer group, committed with the transaction. */
export interface TxnOffset {
  topic: string;
  partition: number;
  /** The next offset to read. */
  offset: string;
  metadata: string | null;
}

interface PartitionRecords {
  topic: string;
  partition: number;
  /** In order; all but the last are full. */
  builders: BatchBuilder[];
}

/** The records of one transaction, appended as bytes into one batch builder (or more, if full) per partition. */
export class TransactionRecords {
  private readonly parts = new Map<string, PartitionRecords>();
  count = 0;

  /** `batchBytes(topic)`: how large a batch of the topic may be (its max.message.bytes). */
  constructor(private readonly batchBytes: (topic: string) => number) {}

  /** Appends one record; `headers` is a record's encoded header block (encodeHeaders). */
  append(topic: string, partition: number, timestamp: number, key: Buffer | null, value: Buffer | null, headers: Buffer): void {
    const id = `${topic}\0${partition}`;
    let part = this.parts.get(id);
    if (!part) {
      part = { topic, partition, builders: [new BatchBuilder(this.batchBytes(topic))] };
      this.parts.set(id, part);
    }
    let builder = part.builders.at(-1)!;
    const kl = key ? key.length : 0;
    const vl = value ? value.length : 0;
    if (!builder.append(timestamp, key, 0, kl, value, 0, vl, headers)) {
      builder = new BatchBuilder(this.batchBytes(topic));
      part.builders.push(builder);
      builder.append(timestamp, key, 0, kl, value, 0, vl, headers);
    }
    this.count++;
  }

  partitions(): PartitionRecords[] {
    return [...this.parts.values()];
  }
}

type Sleep = (ms: number) => Promise<void>;
const pause: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class TransactionalProducer {
  private readonly cluster: KafkajsCluster;
  /** As kafkajs decoded it (a decimal string): its request encoders take it so. */
  private producerId = '-1';
  private producerEpoch = -1;
  private readonly sequences = new Map<string, number>();
  private version = MAX_PRODUCE_VERSION;
  private coordinator: KafkajsBroker | undefined;
  /** After a failed transaction the producer's state is unknown: it takes no more. */
  private broken: unknown;

  /** `cluster` and `sleep` are for tests; commands pass only the client. */
  constructor(kafka: KafkaClient | undefined, private readonly settings: TransactionalSettings, cluster?: KafkajsCluster, private readonly sleep: Sleep = pause) {
    this.cluster = cluster ?? createCluster(kafka!, { maxInFlightRequests: null });
  }

  /**
   * Connects and registers the transactional id (InitProducerId). This fences an older producer
   * of the same id and returns once its open transaction is aborted or committed: after it, the
   * group's committed offsets are final.
   */
  async connect(): Promise<void> {
    await this.cluster.connect();
    for (const topic of this.settings.topics) await this.cluster.addTargetTopic(topic);
    this.version = produceVersion(await this.cluster.findControllerBroker());
    const { producerId, producerEpoch } = await this.toCoordinator((b) =>
      b.initProducerId({
        transactionalId: this.settings.transactionalId, transactionTimeout: this.settings.transactionTimeoutMs,
      }));
    this.producerId = String(producerId);
    this.producerEpoch = producerEpoch;
    this.sequences.clear();
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }

  /** The number of partitions of `topic` (one of `settings.topics`), from the metadata. */
  partitionCount(topic: string): number {
    return this.cluster.findTopicPartitionMetadata(topic).length;
  }

  /** One transaction: the records, and the group's offsets, committed together or not at all. */
  async commit(records: TransactionRecords, group: { groupId: string; offsets: TxnOffset[] }): Promise<void> {
    if (this.broken) throw this.broken;
    const parts = records.partitions();
    const ids = { transactionalId: this.settings.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch };
    let begun = false;
    try {
      if (parts.length) {
        begun = true;
        await this.toCoordinator((b) => b.addPartitionsToTxn({ ...ids, topics: byTopic(parts) }));
      }
      if (group.offsets.length) begun = true;
      const settled = await Promise.allSettled([
        this.produce(parts),
        group.offsets.length ? this.sendOffsets(group.groupId, group.offsets) : Promise.resolve(),
      ]);
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      if (begun) await this.toCoordinator((b) => b.endTxn({ ...ids, transactionResult: true }));
    } catch (err) {
      this.broken = err;
      if (begun) await this.toCoordinator((b) => b.endTxn({ ...ids, transactionResult: false }), 1).catch(() => undefined);
      throw err;
    }
  }

  private async sendOffsets(groupId: string, offsets: TxnOffset[]): Promise<void> {
    const ids = { transactionalId: this.settings.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch };
    await this.toCoordinator((b) => b.addOffsetsToTxn({ ...ids, groupId }));
    const topics = new Map<string, Array<{ partition: number; offset: string; metadata: string | null }>>();
    for (const o of offsets) {
      const list = topics.get(o.topic) ?? [];
      list.push({ partition: o.partition, offset: o.offset, metadata: o.metadata });
      topics.set(o.topic, list);
    }
    const request = { ...ids, groupId, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) };
    await this.retrying(async () => {
      const coordinator = await this.cluster.findGroupCoordinator({ groupId });
      await coordinator.txnOffsetCommit(request);
    });
  }

  /** The transaction's batches, round by round: the n-th batch of every partition in round n. */
  private async produce(parts: PartitionRecords[]): Promise<void> {
    const rounds = Math.max(0, ...parts.map((p) => p.builders.length));
    for (let round = 0; round < rounds; round++) {
      const batches: SealedBatch[] = [];
      for (const p of parts) {
        const builder = p.builders[round];
        if (builder) batches.push(this.seal(p.topic, p.partition, builder));
      }
      await this.sendRound(batches);
    }
  }

  /** Stamps the batch with the producer's identity and the partition's next sequence number. */
  private seal(topic: string, partition: number, builder: BatchBuilder): SealedBatch {
    const key = `${topic}\0${partition}`;
    const baseSequence = this.sequences.get(key) ?? 0;
    this.sequences.set(key, (baseSequence + builder.count) % SEQUENCE_WRAP);
    const batch = builder.sealPlain({ producerId: BigInt(this.producerId), producerEpoch: this.producerEpoch, baseSequence, transactional: true });
    return { topic, partition, batch };
  }

  /** Sends one batch per partition to its leader; a retriable failure sends the same bytes again. */
  private async sendRound(batches: SealedBatch[]): Promise<void> {
    const deadline = Date.now() + this.settings.retryMs;
    let pending = batches;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await this.cluster.refreshMetadata().catch(() => undefined); // the next try reports what is still wrong
      const failed = await this.attempt(pending);
      const wait = RETRY_BACKOFF_MS[Math.min(attempt, RETRY_BACKOFF_MS.length - 1)]!;
      for (const f of failed) if (!isRetriable(f.error) || Date.now() + wait >= deadline) throw f.error;
      pending = failed.map((f) => f.batch);
      if (pending.length) await this.sleep(wait);
    }
  }

  private async attempt(batches: SealedBatch[]): Promise<Array<{ batch: SealedBatch; error: unknown }>> {
    const failed: Array<{ batch: SealedBatch; error: unknown }> = [];
    const groups = new Map<string, { leader: number; topic: string; batches: SealedBatch[] }>();
    for (const b of batches) {
      const leader = this.cluster.findTopicPartitionMetadata(b.topic).find((m) => m.partitionId === b.partition)?.leader;
      if (leader === undefined || leader === null || leader < 0) {
        failed.push({ batch: b, error: createErrorFromCode(5) }); // LEADER_NOT_AVAILABLE
        continue;
      }
      const id = `${leader}\0${b.topic}`;
      const group = groups.get(id) ?? { leader, topic: b.topic, batches: [] };
      group.batches.push(b);
      groups.set(id, group);
    }
    await Promise.all([...groups.values()].map(async ({ leader, topic, batches: group }) => {
      let results: Map<number, PartitionResult>;
      try {
        results = await this.sendTo(leader, topic, group);
      } catch (error) {
        for (const batch of group) failed.push({ batch, error });
        return;
      }
      for (const batch of group) {
        const r = results.get(batch.partition);
        // Named like kafkajs's errors: the stage reconnects after a client failure, not after a bug of its own.
        if (!r) failed.push({ batch, error: Object.assign(new Error(`the broker did not answer for ${topic} partition ${batch.partition}`), { name: 'KafkaJSProtocolError', retriable: true }) });
        // A duplicate was written by an earlier try whose answer was lost: it is acknowledged.
        else if (r.errorCode !== 0 && r.errorCode !== DUPLICATE_SEQUENCE_NUMBER) failed.push({ batch, error: createErrorFromCode(r.errorCode) });
      }
    }));
    return failed;
  }

  private async sendTo(leader: number, topic: string, batches: SealedBatch[]): Promise<Map<number, PartitionResult>> {
    const broker = await this.cluster.findBroker({ nodeId: String(leader) });
    const call = { version: this.version, acks: -1, timeoutMs: this.settings.ackTimeoutMs, topic, batches: batches as PartitionBatch[], transactionalId: this.settings.transactionalId };
    const partitions = (await (await queueProduce(broker, call)).answer) ?? [];
    return new Map(partitions.map((p) => [p.partition, p]));
  }

  /** A request to the transaction coordinator, found again when it moved; retried while retriable. */
  private toCoordinator<T>(fn: (coordinator: KafkajsBroker) => Promise<T>, tries = Infinity): Promise<T> {
    return this.retrying(async () => {
      this.coordinator ??= await this.cluster.findGroupCoordinator({ groupId: this.settings.transactionalId, coordinatorType: TRANSACTION_COORDINATOR });
      try {
        return await fn(this.coordinator);
      } catch (err) {
        const type = (err as { type?: string }).type ?? '';
        if (STALE_COORDINATOR.has(type) || !type) this.coordinator = undefined;
        throw err;
      }
    }, tries);
  }

  private async retrying<T>(fn: () => Promise<T>, tries = Infinity): Promise<T> {
    const deadline = Date.now() + this.settings.retryMs;
    let concurrent = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const busy = (err as { type?: string }).type === 'CONCURRENT_TRANSACTIONS';
        const wait = busy ? CONCURRENT_BACKOFF_MS[Math.min(concurrent++, CONCURRENT_BACKOFF_MS.length - 1)]! : RETRY_BACKOFF_MS[Math.min(attempt - 1, RETRY_BACKOFF_MS.length - 1)]!;
        if (attempt >= tries || !isRetriable(err) || Date.now() + wait >= deadline) throw err;
        await this.sleep(wait);
      }
    }
  }
}

interface SealedBatch extends PartitionBatch {
  topic: string;
}

function byTopic(parts: PartitionRecords[]): Array<{ topic: string; partitions: number[] }> {
  const topics = new Map<string, number[]>();
  for (const p of parts) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}

function produceVersion(broker: KafkajsBroker): number {
  const range = broker.versions?.[PRODUCE_API_KEY];
  const max = Math.min(range?.maxVersion ?? MAX_PRODUCE_VERSION, MAX_PRODUCE_VERSION);
  if (max < MIN_PRODUCE_VERSION) throw new Error(`the broker speaks Produce v${max}; transactions need v${MIN_PRODUCE_VERSION} (Kafka 0.11 or later)`);
  return max;
}
