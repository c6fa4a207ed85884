// kstream's own fetch loop: a fixed set of partitions of one topic, read from their leaders with
// Fetch v11, no consumer group. One loop per leader; each sends its next Fetch as soon as a response
// arrives (the next offsets are known from the batch headers) and walks the records while it travels,
// so decoding and the network overlap. Metadata and ListOffsets stay on kafkajs's cluster.
import { KstreamError } from '../../errors.js';
import { fromKafkaError, rootCause } from '../errors.js';
import { RecordCursor } from '../codec/decode-batch.js';
import type { KafkajsBroker as KafkaBroker, KafkajsCluster as KafkaCluster } from '../cluster.js';
import { FETCH_API_KEY, FETCH_VERSION, fetchProtocol, type FetchedPartition, type FetchRequest, type FetchResponse } from './protocol.js';
import { endOfBatches, walkRecords, type OnRecord, type Stage } from './walk.js';
import { collectGarbage, noteGarbage } from './young-gc.js';
// kafkajs's table of Kafka error codes: the same names and messages its own requests report.
import { createErrorFromCode } from '../kafkajs-internal.js';

export interface StartPosition {
  partition: number;
  offset: number;
  /** Stop before this offset (exclusive): the end of an --exit run. */
  stopAt?: number;
}

export interface FetcherOptions {
  topic: string;
  readCommitted: boolean;
  /** How long the broker may hold a Fetch waiting for data. */
  maxWaitMs: number;
  partitionMaxBytes: number;
  maxBytes: number;
  /** How long a broker may take to answer beyond maxWaitMs. */
  requestTimeoutMs: number;
  /** One line for stderr (offset resets, reconnects). */
  note: (line: string) => void;
  /** Hears each partition's fetch position, last stable offset and high watermark. */
  onOffsets?: (partition: number, position: number, lastStableOffset: number, highWatermark: number) => void;
}

/** One response's records, for the sink to walk; walk() returns true if onRecord stopped it. */
export interface FetchedRecords {
  walk(onRecord: OnRecord, stage?: Stage): Promise<boolean>;
}

/** Gets each response in turn (never two at once); returns false to end the whole run. */
export type Sink = (fetched: FetchedRecords) => Promise<boolean>;

/** A fetch in flight resolves with its request and the broker's response. */
interface Sent {
  req: FetchRequest;
  res: FetchResponse;
}

interface PartitionState {
  partition: number;
  position: number;
  stopAt: number;
  /** Node id of the leader; undefined until metadata says, or after an error that needs a refresh. */
  leader?: number;
  maxBytes: number;
  done: boolean;
  /** Waiting for ListOffsets after OFFSET_OUT_OF_RANGE: not fetched meanwhile. */
  resetting: boolean;
}

// Errors that mean "ask the metadata who leads this partition now, then retry".
const REFRESH = new Set([3, 5, 6, 9, 56, 74, 75, 100]);
const OFFSET_OUT_OF_RANGE = 1;
const BACKOFF_MS = [100, 200, 500, 1000, 2000];
/** A broker answers a batch larger than maxBytes whole if it comes first, else cuts it: ask for it all. */
const LARGEST_BATCH = 1 << 30;

export class Fetcher {
  private readonly states = new Map<number, PartitionState>();
  private readonly loops = new Map<number, Promise<void>>();
  private readonly cursor = new RecordCursor();
  private stopped = false;
  private failure: unknown;
  private wake!: () => void;
  private woken: Promise<void> = Promise.resolve();
  private sinkQueue: Promise<unknown> = Promise.resolve();
  private failures = 0;
  private lastRefresh = 0;
  private turns = 0;
  /** Waits to end early on stop(); not a race against one long-lived promise, whose reaction list would keep every response alive. */
  private readonly waits = new Set<() => void>();

  constructor(private readonly cluster: KafkaCluster, private readonly opts: FetcherOptions, starts: StartPosition[]) {
    for (const s of starts) {
      this.states.set(s.partition, {
        partition: s.partition, position: s.offset, stopAt: s.stopAt ?? Infinity, maxBytes: opts.partitionMaxBytes, done: (s.stopAt ?? Infinity) <= s.offset, resetting: false,
      });
    }
    this.rearm();
  }

  /** Ends the run: pending fetches are dropped, run() returns. */
  stop(): void {
    this.stopped = true;
    for (const end of this.waits) end();
    this.waits.clear();
    this.wake();
  }

  /** Reads until stop(), until the sink says so, or until every partition reached its stopAt. */
  async run(sink: Sink): Promise<void> {
    await this.cluster.connect();
    await this.cluster.addTargetTopic(this.opts.topic);
    while (!this.stopped && this.active().length > 0) {
      if (this.active().some((s) => s.leader === undefined)) await this.findLeaders();
      const fetchable = this.active().filter((s) => !s.resetting && s.leader !== undefined);
      for (const leader of new Set(fetchable.map((s) => s.leader!))) {
        if (!this.loops.has(leader)) this.loops.set(leader, this.leaderLoop(leader, sink).finally(() => this.loops.delete(leader)).finally(() => this.wake()));
      }
      await this.woken;
      this.rearm();
    }
    this.stopped = true;
    await Promise.allSettled([...this.loops.values()]);
    await this.sinkQueue.catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  private rearm(): void {
    this.woken = new Promise((resolve) => (this.wake = resolve));
  }

  private active(): PartitionState[] {
    return [...this.states.values()].filter((s) => !s.done);
  }

  private fail(err: unknown): void {
    this.failure ??= err;
    this.stop();
  }

  /** Refreshes metadata until every active partition has a leader, backing off while the cluster is unsettled. */
  private async findLeaders(): Promise<void> {
    while (!this.stopped) {
      // A leader that just moved may not be in the metadata yet: do not ask again at once.
      const since = Date.now() - this.lastRefresh;
      if (since < 250) await this.sleep(250 - since);
      this.lastRefresh = Date.now();
      try {
        await this.cluster.refreshMetadata();
        const meta = this.cluster.findTopicPartitionMetadata(this.opts.topic);
        if (meta.length === 0) throw gone(this.opts.topic);
        for (const s of this.active()) {
          const leader = meta.find((m) => m.partitionId === s.partition)?.leader;
          s.leader = typeof leader === 'number' && leader >= 0 ? leader : undefined;
        }
        if (this.active().every((s) => s.leader !== undefined)) return;
      } catch (err) {
        if (err instanceof KstreamError) return this.fail(err);
        if ((rootCause(err) as { type?: string })?.type === 'UNKNOWN_TOPIC_OR_PARTITION') return this.fail(gone(this.opts.topic));
        this.retryNote(err);
      }
      await this.backoff();
    }
  }

  private async backoff(): Promise<void> {
    const ms = BACKOFF_MS[Math.min(this.failures++, BACKOFF_MS.length - 1)]!;
    await this.sleep(ms);
  }

  /** `p`'s value, or undefined as soon as the run stops. */
  private untilStopped<T>(p: Promise<T>): Promise<T | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      const end = () => resolve(undefined);
      this.waits.add(end);
      p.then(
        (v) => (this.waits.delete(end), resolve(v)),
        (e) => (this.waits.delete(end), reject(e)),
      );
    });
  }

  private async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await this.untilStopped(new Promise<void>((r) => (timer = setTimeout(r, ms))));
    clearTimeout(timer);
  }

  private retryNote(err: unknown): void {
    if (this.failures === 0) this.opts.note(`warning: ${fromKafkaError(err).message}; retrying`);
  }

  private request(leader: number, positions?: Map<number, number>): FetchRequest | undefined {
    const partitions = this.active()
      .filter((s) => s.leader === leader && !s.resetting)
      .map((s) => ({ partition: s.partition, fetchOffset: positions?.get(s.partition) ?? s.position, maxBytes: s.maxBytes, stopAt: s.stopAt }))
      .filter((p) => p.fetchOffset < p.stopAt)
      .map(({ partition, fetchOffset, maxBytes }) => ({ partition, fetchOffset, maxBytes }));
    if (partitions.length === 0) return undefined;
    // The broker fills the response in the order asked, up to maxBytes: start each fetch one partition
    // further, or the first ones would take every response while they have data (KIP-74).
    const turn = this.turns++ % partitions.length;
    partitions.push(...partitions.splice(0, turn));
    const { topic, maxWaitMs, maxBytes, readCommitted } = this.opts;
    return { topic, maxWaitMs, minBytes: 1, maxBytes, readCommitted, partitions };
  }

  private send(broker: KafkaBroker, req: FetchRequest): Promise<Sent> {
    const sent = broker.connectionPool
      .send<FetchResponse>(fetchProtocol(req, req.maxWaitMs + this.opts.requestTimeoutMs))
      .then((res) => ({ req, res }));
    // A fetch still in flight when the run stops is dropped; its failure then matters to no one.
    sent.catch(() => undefined);
    return sent;
  }

  private async leaderLoop(leader: number, sink: Sink): Promise<void> {
    try {
      const broker = await this.cluster.findBroker({ nodeId: String(leader) });
      checkVersion(broker);
      const first = this.request(leader);
      let pending = first && this.send(broker, first);
      while (pending && !this.stopped) pending = (await this.take(broker, leader, pending, sink)).next;
    } catch (err) {
      if (this.stopped) return;
      if (isConnectionProblem(err)) {
        this.retryNote(err);
        for (const s of this.active()) if (s.leader === leader) s.leader = undefined;
        await this.backoff();
        return;
      }
      this.fail(err instanceof KstreamError ? err : fromKafkaError(err));
    }
  }

  /**
   * Waits for the response in flight, sends the next fetch at once, from where this response's whole
   * batches end, then hands this one over. Resolves with the next fetch, if any (wrapped: a promise
   * would be awaited with it). A method of its own so that nothing of a response is referenced once
   * it returns, for collectGarbage() to free.
   */
  private async take(broker: KafkaBroker, leader: number, pending: Promise<Sent>, sink: Sink): Promise<{ next?: Promise<Sent> }> {
    const got = await this.untilStopped(pending);
    if (!got || this.stopped) return {};
    // The previous response is dead by now (kafkajs let go of it when this one's bytes came in).
    collectGarbage();
    this.failures = 0;
    const { req, res } = got;
    if (res.errorCode !== 0) throw createErrorFromCode(res.errorCode);
    const usable = this.usable(leader, req, res);
    const next = this.request(leader, this.predict(usable));
    const sent = next && this.send(broker, next);
    for (const p of usable) noteGarbage(p.records.length);
    await this.handOver(usable, sink);
    return { next: sent };
  }

  /** The partitions of a response to use: still read from this leader, at the offset asked for, no error. */
  private usable(leader: number, req: FetchRequest, res: FetchResponse): FetchedPartition[] {
    const asked = new Map(req.partitions.map((p) => [p.partition, p.fetchOffset]));
    const out: FetchedPartition[] = [];
    for (const p of res.partitions) {
      const s = this.states.get(p.partition);
      if (!s || s.done || s.leader !== leader || asked.get(p.partition) !== s.position) continue;
      if (p.errorCode === 0) {
        out.push(p);
        this.opts.onOffsets?.(p.partition, s.position, p.lastStableOffset, p.highWatermark);
      } else this.onPartitionError(s, p.errorCode);
    }
    return out;
  }

  private onPartitionError(s: PartitionState, code: number): void {
    if (REFRESH.has(code)) {
      s.leader = undefined;
      this.wake();
      return;
    }
    if (code === OFFSET_OUT_OF_RANGE) {
      s.resetting = true;
      this.resetOffset(s).then(
        () => {
          s.resetting = false;
          this.wake();
        },
        (err) => this.fail(fromKafkaError(err)),
      );
      return;
    }
    const err = createErrorFromCode(code);
    this.fail(fromKafkaError(Object.assign(err, { message: `${err.message} (topic '${this.opts.topic}' partition ${s.partition})` })));
  }

  /** Moves a partition whose position left the log (deleted by retention, or truncated) back into it. */
  private async resetOffset(s: PartitionState): Promise<void> {
    const query = (fromBeginning: boolean) => this.cluster.fetchTopicsOffset([{ topic: this.opts.topic, partitions: [{ partition: s.partition }], fromBeginning }]);
    const [earliest, latest] = await Promise.all([query(true), query(false)]);
    const low = Number(earliest[0]?.partitions[0]?.offset ?? 0);
    const high = Number(latest[0]?.partitions[0]?.offset ?? 0);
    const to = s.position < low ? low : Math.min(s.position, high);
    this.opts.note(`partition ${s.partition}: offset ${s.position} is no longer in the log (it holds ${low} to ${high}); going on at ${to}`);
    s.position = to;
    if (s.position >= s.stopAt) s.done = true;
  }

  /** Where each partition will be once this response is walked, assuming nothing stops the walk. */
  private predict(usable: FetchedPartition[]): Map<number, number> {
    const next = new Map<number, number>();
    for (const p of usable) {
      const s = this.states.get(p.partition)!;
      next.set(p.partition, endOfBatches(p.records, s.position, this.where(s.partition)));
    }
    return next;
  }

  /** Hands the response to the sink; sinks run one at a time, in the order responses came. */
  private handOver(usable: FetchedPartition[], sink: Sink): Promise<void> {
    const run = this.sinkQueue.then(async () => {
      if (this.stopped) return;
      const fetched: FetchedRecords = { walk: (onRecord, stage) => this.walk(usable, onRecord, stage) };
      if (!(await sink(fetched))) this.stop();
    });
    this.sinkQueue = run.catch(() => undefined);
    return run;
  }

  private async walk(usable: FetchedPartition[], onRecord: OnRecord, stage?: Stage): Promise<boolean> {
    try {
      return await this.walkAll(usable, onRecord, stage);
    } finally {
      this.cursor.clear();
    }
  }

  private async walkAll(usable: FetchedPartition[], onRecord: OnRecord, stage?: Stage): Promise<boolean> {
    for (const p of usable) {
      const s = this.states.get(p.partition)!;
      const { readCommitted } = this.opts;
      const result = await walkRecords(p.records, { partition: s.partition, position: s.position, stopAt: s.stopAt, readCommitted, aborted: p.aborted, where: this.where(s.partition) }, this.cursor, onRecord, stage);
      s.position = result.position;
      if (s.position >= s.stopAt) s.done = true;
      s.maxBytes = result.partialSize > s.maxBytes ? Math.min(result.partialSize, LARGEST_BATCH) : this.opts.partitionMaxBytes;
      if (result.stopped) return true;
    }
    return false;
  }

  private where(partition: number): string {
    return `topic '${this.opts.topic}' partition ${partition}`;
  }
}

function gone(topic: string): KstreamError {
  return new KstreamError(`topic '${topic}' no longer exists`, { hint: 'it was deleted while being read' });
}

function checkVersion(broker: KafkaBroker): void {
  const range = broker.versions?.[FETCH_API_KEY];
  if (range && (range.maxVersion < FETCH_VERSION || range.minVersion > FETCH_VERSION)) {
    throw new KstreamError(`the broker does not speak Fetch v${FETCH_VERSION} (it offers v${range.minVersion}-v${range.maxVersion})`, {
      hint: 'kstream reads from Kafka 2.3 and later; use --group to read through kafkajs',
    });
  }
}

function isConnectionProblem(err: unknown): boolean {
  const name = (err as Error)?.name ?? '';
  return /KafkaJSConnectionError|KafkaJSConnectionClosedError|KafkaJSRequestTimeoutError|KafkaJSBrokerNotFound|KafkaJSLockTimeout|KafkaJSNumberOfRetriesExceeded/.test(name);
}
