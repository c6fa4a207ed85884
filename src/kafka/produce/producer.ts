// The idempotent producer of sealed record batches: producer id and epoch from InitProducerId,
// a sequence number per partition stamped on each batch as it is sealed, and Produce requests
// sent to each partition's leader on kafkajs's connections (see cluster.ts, direct.ts).
//
// Ordering and retries: the caller (sender.ts) seals batches in the order it sends them, and has
// at most two rounds in flight, the second only with idempotence (`pipelined`). Requests are put
// on the connections in the order `send` is called (`inOrder`), and a leader's connection carries
// them to the broker in that order. A batch that fails with a retriable error (a leader moved, a
// timeout, a lost connection) is sent again with the same bytes, so the same sequence number,
// after the metadata is refreshed: the broker writes it once whether or not the first try got
// through. A round's retries wait for the round before it to settle (`after`), so no retry
// overtakes an earlier batch of its partition; when that round failed, nothing after it is
// retried. While an earlier batch was unwritten, the broker refuses the next ones of the
// partition as out of order (OUT_OF_ORDER_SEQUENCE_NUMBER): on the first try of a round sent
// behind another, that too is retried. Retries stop after `retryMs`, the one setting that says
// how long a Kafka failure may last.
import type { KafkaClient } from '../client.js';
import { compressorFor } from '../codec/compress.js';
import type { BatchBuilder, CompressionName, Compressor } from '../codec/encode.js';
import { createCluster, seedBroker, type KafkajsBroker, type KafkajsCluster } from '../cluster.js';
import { queueProduce, type QueuedProduce } from './direct.js';
import { DESCRIBE_CONFIGS, describeConfigsRequest } from '../admin/configs.js';
import { pickVersion, sendRaw } from '../protocol/request.js';
import { kafkaCode } from '../errors.js';
import { createErrorFromCode } from '../kafkajs-internal.js';
import { MAX_PRODUCE_VERSION, MIN_PRODUCE_VERSION, PRODUCE_API_KEY, type PartitionBatch, type PartitionResult } from './request.js';

const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const DUPLICATE_SEQUENCE_NUMBER = 46;
const SEQUENCE_WRAP = 2 ** 31;
const RETRY_BACKOFF_MS = [100, 200, 400, 800, 1000];

export interface ProducerSettings {
  topic: string;
  acks: -1 | 0 | 1;
  compression: CompressionName;
  /** Idempotence needs acks=all; without it batches carry producer id -1 and no sequence. */
  idempotent: boolean;
  /** How long to retry a retriable failure of one batch before giving up on it. */
  retryMs: number;
  /** How long the broker may take to acknowledge a request (Produce timeout_ms). */
  ackTimeoutMs: number;
}

export type PartitionOutcome =
  | { partition: number; ok: true; baseOffset: bigint | null }
  | { partition: number; ok: false; error: unknown };

/** kafkajs's own errors for a lost or late connection carry `retriable`; these names may not. */
const RETRIABLE_NAMES = new Set([
  'KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound', 'KafkaJSLockTimeout', 'KafkaJSTopicMetadataNotLoaded', 'KafkaJSMetadataNotLoaded',
]);

/**
 * Whether a failure may pass. kafkajs wraps an error its own retries gave up on
 * (KafkaJSNumberOfRetriesExceeded, KafkaJSNonRetriableError, retriable false), e.g. a connection
 * refused while a broker restarts: the error it wraps decides.
 */
export function isRetriable(error: unknown): boolean {
  let e = error as { retriable?: boolean; name?: string; originalError?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 10; depth++) {
    if (e.retriable === true || RETRIABLE_NAMES.has(e.name ?? '')) return true;
    const next = (e.originalError ?? e.cause) as typeof e;
    if (!next || next === e) return false;
    e = next;
  }
  return false;
}

export class BatchProducer {
  private readonly cluster: KafkajsCluster;
  private readonly sequences = new Map<number, number>();
  private readonly compress: Compressor | undefined;
  private producerId = -1n;
  private producerEpoch = -1;
  private version = MAX_PRODUCE_VERSION;
  /** The last request being put on a connection: the next one waits for it (see above). */
  private queueing: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | undefined;

  /** `cluster` is for tests of the retry logic; commands pass only the client. */
  constructor(kafka: KafkaClient | undefined, private readonly settings: ProducerSettings, cluster?: KafkajsCluster) {
    this.cluster = cluster ?? createCluster(kafka!, { maxInFlightRequests: null });
    this.compress = compressorFor(settings.compression);
  }

  /** A second round may be in flight only where sequence numbers let the broker keep order. */
  get pipelined(): boolean {
    return this.settings.idempotent;
  }

  /**
   * The cluster connected to a first broker, once. Its metadata is loaded by `addTopic`, for the
   * topic alone; until then requests go to that broker (any broker answers them).
   */
  private connected(): Promise<void> {
    this.ready ??= this.cluster.connect();
    return this.ready;
  }

  /**
   * Connects and takes a producer id. The topic is not asked for yet, so this can run while the
   * caller checks or creates it (probeTopic): call `addTopic` after.
   */
  async connect(): Promise<void> {
    await this.connected();
    const broker = seedBroker(this.cluster);
    this.version = produceVersion(broker, this.settings.compression);
    if (this.settings.idempotent) {
      // A new broker answers "coordinator loading" for a moment: retried like any retriable failure.
      const { producerId, producerEpoch } = await this.retrying(() => broker.initProducerId({ transactionTimeout: 60_000 }));
      this.producerId = BigInt(producerId);
      this.producerEpoch = producerEpoch;
    }
  }

  /**
   * The topic's partition count and max.message.bytes (undefined: the configs could not be read),
   * asked on this producer's connection while it takes its id: two requests instead of an admin
   * client's own connections and round trips. Undefined when the topic cannot be read this way
   * (Kafka answered with an error for it: it does not exist, it may not be described): the caller
   * then asks its admin client, whose checks say which. A connection failure is thrown.
   */
  async probeTopic(): Promise<{ partitions: number; maxMessageBytes?: number } | undefined> {
    const { topic } = this.settings;
    // A broker that cannot be reached fails here, within the caller's deadline, not twice.
    await this.connected();
    const broker = seedBroker(this.cluster);
    const readConfigs = async () => {
      const version = pickVersion(broker, DESCRIBE_CONFIGS.apiKey, DESCRIBE_CONFIGS.apiName, DESCRIBE_CONFIGS);
      return sendRaw(broker, describeConfigsRequest({ type: 'topics', name: topic }, version, ['max.message.bytes']));
    };
    const [metadata, configs] = await Promise.all([
      // Kafka's answer about the topic (unknown, not authorized, ...): the admin client's checks say it.
      broker.metadata([topic]).catch((err: unknown) => {
        if (kafkaCode(err) === undefined) throw err;
        return undefined;
      }),
      // Reading configs may be denied where writing is allowed: then Kafka's default is assumed.
      readConfigs().catch(() => undefined),
    ]);
    const found = metadata?.topicMetadata.find((t) => t.topic === topic);
    if (!found || found.partitionMetadata.length === 0) return undefined;
    const entry = configs && !configs.error ? configs.entries.find((e) => e.name === 'max.message.bytes') : undefined;
    return { partitions: found.partitionMetadata.length, maxMessageBytes: entry?.value ? Number(entry.value) : undefined };
  }

  /** Reads the topic's partition leaders: once it exists, before the first send. */
  async addTopic(): Promise<void> {
    await this.cluster.addTargetTopic(this.settings.topic);
  }

  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.settings.retryMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const wait = RETRY_BACKOFF_MS[Math.min(attempt, RETRY_BACKOFF_MS.length - 1)]!;
        if (!isRetriable(err) || Date.now() + wait >= deadline) throw err;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }

  /** Seals `builder` as the next batch of `partition`, taking its sequence numbers. */
  async seal(partition: number, builder: BatchBuilder): Promise<PartitionBatch> {
    let baseSequence = -1;
    if (this.settings.idempotent) {
      baseSequence = this.sequences.get(partition) ?? 0;
      this.sequences.set(partition, (baseSequence + builder.count) % SEQUENCE_WRAP);
    }
    const id = { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence };
    const batch = this.compress ? await builder.seal(id, this.settings.compression, this.compress) : builder.sealPlain(id);
    return { partition, batch };
  }

  /**
   * Sends one batch per partition to its leader, retrying each as described above. `after`: the
   * round sent before this one and still in flight, true once it was wholly acknowledged.
   */
  async send(batches: PartitionBatch[], after?: Promise<boolean>): Promise<PartitionOutcome[]> {
    const outcomes: PartitionOutcome[] = [];
    const deadline = Date.now() + this.settings.retryMs;
    let pending = batches;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await this.refreshMetadata(deadline);
      const failed = await this.attempt(pending, outcomes);
      const behind = attempt === 0 && after !== undefined;
      // Nothing is retried before the round ahead has settled, or at all when it failed.
      const ahead = behind && failed.length > 0 ? await after : true;
      const wait = RETRY_BACKOFF_MS[Math.min(attempt, RETRY_BACKOFF_MS.length - 1)]!;
      const retry: PartitionBatch[] = [];
      for (const f of failed) {
        const retriable = isRetriable(f.error) || (behind && (f.error as { code?: number }).code === OUT_OF_ORDER_SEQUENCE_NUMBER);
        if (ahead && retriable && Date.now() + wait < deadline) retry.push(f.batch);
        else outcomes.push({ partition: f.batch.partition, ok: false, error: f.error });
      }
      pending = retry;
      if (pending.length > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return outcomes;
  }

  /** One try for each of `batches`; the successes go to `outcomes`, the failures are returned. */
  private async attempt(batches: PartitionBatch[], outcomes: PartitionOutcome[]): Promise<{ batch: PartitionBatch; error: unknown }[]> {
    const failed: { batch: PartitionBatch; error: unknown }[] = [];
    let groups: Map<number, PartitionBatch[]>;
    try {
      groups = this.byLeader(batches);
    } catch (error) {
      return batches.map((batch) => ({ batch, error }));
    }
    await Promise.all([...groups].map(async ([leader, group]) => {
      let results: Map<number, PartitionResult> | undefined;
      try {
        results = await this.sendTo(leader, group);
      } catch (error) {
        for (const batch of group) failed.push({ batch, error });
        return;
      }
      for (const batch of group) {
        const r = results?.get(batch.partition);
        if (!results) outcomes.push({ partition: batch.partition, ok: true, baseOffset: null }); // acks=0
        else if (!r) failed.push({ batch, error: Object.assign(new Error(`the broker did not answer for partition ${batch.partition}`), { retriable: true }) });
        // A duplicate was written by an earlier try whose answer was lost: it is acknowledged.
        else if (r.errorCode === 0 || r.errorCode === DUPLICATE_SEQUENCE_NUMBER) outcomes.push({ partition: batch.partition, ok: true, baseOffset: r.errorCode === 0 ? r.baseOffset : null });
        else failed.push({ batch, error: createErrorFromCode(r.errorCode) });
      }
    }));
    return failed;
  }

  private byLeader(batches: PartitionBatch[]): Map<number, PartitionBatch[]> {
    const metadata = this.cluster.findTopicPartitionMetadata(this.settings.topic);
    const groups = new Map<number, PartitionBatch[]>();
    for (const b of batches) {
      const leader = metadata.find((m) => m.partitionId === b.partition)?.leader;
      if (leader === undefined || leader === null || leader < 0) throw createErrorFromCode(5); // LEADER_NOT_AVAILABLE
      const group = groups.get(leader);
      if (group) group.push(b);
      else groups.set(leader, [b]);
    }
    return groups;
  }

  private async sendTo(leader: number, batches: PartitionBatch[]): Promise<Map<number, PartitionResult> | undefined> {
    const { acks, ackTimeoutMs: timeoutMs, topic } = this.settings;
    const call = { version: this.version, acks, timeoutMs, topic, batches };
    const queued = await this.inOrder(async () => queueProduce(await this.cluster.findBroker({ nodeId: String(leader) }), call));
    const partitions = await queued.answer;
    if (!partitions) return undefined;
    return new Map(partitions.map((p) => [p.partition, p]));
  }

  /** Runs `queue` once the request before it is queued (or has failed to be). */
  private inOrder(queue: () => Promise<QueuedProduce>): Promise<QueuedProduce> {
    const next = this.queueing.then(queue, queue);
    this.queueing = next.catch(() => undefined);
    return next;
  }

  /** Metadata again after a failure, within what is left of the retry time. */
  private async refreshMetadata(deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const left = Math.max(deadline - Date.now(), 500);
    await Promise.race([
      this.cluster.refreshMetadata(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, left))),
    ]).catch(() => undefined); // the next try reports what is still wrong
    clearTimeout(timer);
  }
}

function produceVersion(broker: KafkajsBroker, compression: CompressionName): number {
  const range = broker.versions?.[PRODUCE_API_KEY];
  const max = Math.min(range?.maxVersion ?? MAX_PRODUCE_VERSION, MAX_PRODUCE_VERSION);
  if (max < MIN_PRODUCE_VERSION) throw new Error(`the broker speaks Produce v${max}; kstream needs v${MIN_PRODUCE_VERSION} (Kafka 0.11 or later)`);
  if (compression === 'zstd' && max < 7) throw new Error('the broker cannot take zstd (it needs Kafka 2.1 or later): choose another --compression');
  return max;
}
