// consume --group: reads through the Kafka layer's group consumer, and commits what was printed.
// The run is made of parts with one job each: StopRules (how it ends), Positions (where it is in each
// partition), Delivery (the output and its commit ledger), GroupCommits (what the group has stored);
// ConsumeRun below only drives the consumer: joins, batches, shutdown.
import type { KafkaAdmin } from '../../kafka/admin/index.js';
import type { KafkaClient } from '../../kafka/client.js';
import { fromKafkaError, isRetriable, kafkaCode } from '../../kafka/errors.js';
import { GroupConsumer, type BatchControl } from '../../kafka/group/consumer.js';
import type { FetchedBatch, FetchedRecord } from '../../kafka/types.js';
import { GroupCommits } from './commits.js';
import { Delivery } from './delivery.js';
import type { ConsumedRecord, RecordFormatter } from './format.js';
import type { OffsetSpec, UntilSpec } from './offsets.js';
import { planConsume, type ConsumePlan } from './plan.js';
import { Positions } from './positions.js';
import type { RecordSelector } from './select.js';
import { StopRules, type StopOptions, type StopReason } from './stop-rules.js';
import { resolveTopics, tpKey, type TopicPartition, type TopicSelection } from './topics.js';
import { TopicWatch } from './watch.js';

export type { StopReason } from './stop-rules.js';

export interface ConsumeOptions extends StopOptions {
  selection: TopicSelection;
  /** Where to start; default latest. Committed offsets win. */
  offset?: OffsetSpec;
  until?: UntilSpec;
  /** Stop once every assigned partition reached its end of the start, or its --until (kcat -e). */
  exitAtEnd: boolean;
  group: string;
  readUncommitted: boolean;
  formatter: RecordFormatter;
  /** Fetches what the formatter needs before it sees these records (the schemas of decoded ones). */
  prepare?: (records: ConsumedRecord[]) => Promise<void>;
  selector?: RecordSelector;
}

export interface ConsumeResult {
  records: number;
  seconds: number;
  reason: StopReason;
}

export interface ConsumeDeps {
  kafka: KafkaClient;
  admin: KafkaAdmin;
  out: NodeJS.WritableStream;
  signal: AbortSignal;
  /** Writes one line for eyes (stderr). */
  note: (line: string) => void;
}

// 1 MiB per partition per fetch: few round trips without holding huge responses; a short wait keeps stops snappy.
const FETCH = { maxBytesPerPartition: 1 << 20, maxBytes: 16 << 20, minBytes: 1, maxWaitMs: 500 };

export async function consume(deps: ConsumeDeps, opts: ConsumeOptions): Promise<ConsumeResult> {
  const started = Date.now();
  let topics = await resolveTopics(deps.admin, opts.selection);
  /** Topics --include found while running: read from their first record, as on the fetch path. */
  const fresh: string[] = [];
  let printed = 0;
  for (let round = 0; ; round++) {
    const plan = mergePlans(await planConsume(deps.admin, { ...opts, topics: topics.filter((t) => !fresh.includes(t)) }), await planConsume(deps.admin, { ...opts, offset: { kind: 'earliest' }, topics: fresh }));
    if (round === 0) plan.notes.forEach(deps.note);
    const found: string[] = [];
    const left = opts.maxMessages === undefined ? undefined : opts.maxMessages - printed;
    const stops = new StopRules({ ...opts, maxMessages: left }, deps.signal);
    // A group member's subscription is fixed when it starts: a new topic means leaving and joining again with it.
    const watch = opts.selection.include && !opts.exitAtEnd
      ? new TopicWatch(deps.admin, opts.selection, topics, deps.note, (topic) => (found.push(topic), stops.stop('topics')))
      : undefined;
    if (round === 0 && opts.selection.include && topics.length === opts.selection.names.length) {
      deps.note(watch ? '--include matches no topic yet; waiting for one to be created' : '--include matches no topic');
    }
    watch?.start();
    let reason: StopReason;
    try {
      reason = topics.length > 0 ? await new ConsumeRun(deps, opts, plan, topics, stops).execute() : watch ? await stops.finished : 'end';
    } finally {
      watch?.stop();
      stops.dispose();
    }
    printed += stops.printed;
    if (reason !== 'topics') return { records: printed, seconds: (Date.now() - started) / 1000, reason };
    deps.note(`--include: new topic${found.length > 1 ? 's' : ''} ${found.map((t) => `'${t}'`).join(', ')}: joining group '${opts.group}' again to read ${found.length > 1 ? 'them' : 'it'} from the beginning`);
    fresh.push(...found);
    topics = [...topics, ...found];
  }
}

function mergePlans(a: ConsumePlan, b: ConsumePlan): ConsumePlan {
  return {
    partitions: [...a.partitions, ...b.partitions],
    positions: new Map([...a.positions, ...b.positions]),
    ends: new Map([...a.ends, ...b.ends]),
    notes: [...a.notes, ...b.notes],
  };
}

/** One run of the group loop: its consumer, its joins and its batches. */
class ConsumeRun {
  private readonly positions: Positions;
  private readonly commits: GroupCommits;
  private readonly delivery: Delivery;
  private consumer!: GroupConsumer;
  private assigned: TopicPartition[] = [];
  private joined = false;
  /** Counts joins (and restarts by the client): the work of an older join gives way to a newer one. */
  private joins = 0;
  private readonly active = new Set<Promise<void>>();

  constructor(private readonly deps: ConsumeDeps, private readonly opts: ConsumeOptions, private readonly plan: ConsumePlan, private readonly topics: string[], readonly stops: StopRules) {
    this.positions = new Positions(plan.positions, plan.ends, opts.exitAtEnd);
    this.consumer = this.createConsumer();
    this.commits = new GroupCommits(this.consumer, deps.admin, opts.group, topics);
    this.delivery = new Delivery(deps.out, opts.formatter, this.commits, opts.prepare);
  }

  async execute(): Promise<StopReason> {
    try {
      await this.start();
      return await this.stops.finished;
    } finally {
      await this.shutdown();
    }
  }

  private createConsumer(): GroupConsumer {
    const consumer = new GroupConsumer(this.deps.kafka, { groupId: this.opts.group, readUncommitted: this.opts.readUncommitted, ...FETCH });
    // The client restarts the member after retriable errors (a coordinator still loading); anything else ends the run.
    consumer.onCrash((error, restarting) => {
      this.joins++;
      if (!restarting) this.stops.fail(fromKafkaError(error));
    });
    consumer.onJoin((tps) => this.onAssigned(tps));
    consumer.onEmptyBatch((tp, next) => this.advance(tp, Number(next)));
    return consumer;
  }

  private async start(): Promise<void> {
    const { consumer } = this;
    await consumer.connect();
    await consumer.subscribe(this.topics, this.opts.offset?.kind === 'earliest');
    await consumer.run({
      concurrency: Math.min(this.plan.partitions.length, 8),
      eachBatch: (batch, control) => this.track(this.onBatch(batch, control)),
    });
  }

  private async track(work: Promise<void>): Promise<void> {
    this.active.add(work);
    try {
      await work;
    } finally {
      this.active.delete(work);
    }
  }

  /**
   * On every join (the first, and again after a rebalance or a restart by the client) the assigned
   * partitions wait until the group's committed offsets are known, since another member may have
   * moved a partition on (see `align`).
   */
  private onAssigned(tps: TopicPartition[]): void {
    this.assigned = tps;
    this.joined = true;
    const join = ++this.joins;
    if (tps.length > 0) this.consumer.pause(tps);
    void this.align(join, tps);
  }

  /**
   * Moves the partitions of one join to where the group is, makes the start of partitions that have
   * no committed offset durable, then lets them be fetched. A failure (a rebalance, a broker outage)
   * is retried until a newer join takes over or the run stops.
   */
  private async align(join: number, tps: TopicPartition[]): Promise<void> {
    const current = () => join === this.joins && !this.stops.over;
    while (current()) {
      try {
        const committed = await this.commits.fetch();
        if (!current()) return;
        await this.commits.start(this.place(tps, committed));
        if (current()) this.release(tps);
        return;
      } catch (err) {
        if (!current()) return;
        if (!mayPass(err)) return this.stops.fail(fromKafkaError(err));
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Seeks each partition to where this run goes on (Positions.place); returns the starts of those without a committed offset. */
  private place(tps: TopicPartition[], committed: Map<string, number>): Map<string, number> {
    const starts = new Map<string, number>();
    for (const tp of tps) {
      const key = tpKey(tp.topic, tp.partition);
      const group = committed.get(key);
      const at = this.positions.place(tp, group, this.plan.positions.get(key));
      if (at === undefined) continue;
      if (group === undefined) starts.set(key, at);
      this.consumer.seek(tp, String(at));
    }
    return starts;
  }

  /** Lets the partitions of a join be fetched, but not those already at their --exit end. */
  private release(tps: TopicPartition[]): void {
    const live = this.opts.exitAtEnd ? tps.filter((tp) => !this.positions.atEnd(tp)) : tps;
    for (const tp of tps) if (!live.includes(tp)) this.positions.markDone(tp);
    if (live.length > 0) this.consumer.resume(live);
    this.checkAllDone();
  }

  private advance(tp: TopicPartition, next: number): void {
    if (!this.positions.advance(tp, next)) return;
    // Stop fetching it: records produced after the start are not part of an --exit run.
    this.consumer.pause([tp]);
    this.checkAllDone();
  }

  private checkAllDone(): void {
    if (this.opts.exitAtEnd && this.joined && this.positions.allDone(this.assigned)) this.stops.stop('end');
  }

  private async onBatch(batch: FetchedBatch, { resolveOffset, heartbeat, isRunning, isStale }: BatchControl): Promise<void> {
    if (this.stops.over || !isRunning() || isStale()) return;
    const tp = { topic: batch.topic, partition: batch.partition };
    const { messages, next } = this.positions.take(tp, batch.records, Number(batch.lastOffset) + 1);
    // The position moves before the write: a join while it is pending must not fetch these records again.
    this.advance(tp, next);
    if (messages.length > 0) {
      const all = messages.map((m) => toRecord(tp, m));
      // Written even if the run just stopped: reaching the --exit end stops it, with these records still to print.
      const keep = this.opts.selector ? await this.opts.selector.select(all) : undefined;
      // --max-messages counts printed records: the batch ends with the one that fills it.
      const { count, printed } = cut(all.length, keep, this.stops.room);
      const records = count === all.length ? all : all.slice(0, count);
      this.stops.count(printed);
      const assigned = this.assigned.some((a) => a.topic === tp.topic && a.partition === tp.partition);
      if (!(await this.delivery.write(tp, records, keep, assigned))) return this.stops.stop('closed');
      if (this.stops.over) return;
    }
    resolveOffset(batch.lastOffset);
    await this.delivery.progress(this.assigned);
    await heartbeat();
  }

  private async shutdown(): Promise<void> {
    await Promise.allSettled([...this.active]);
    try {
      if (this.stops.reason) await this.delivery.final(this.assigned);
    } finally {
      this.delivery.dispose();
      await this.consumer.disconnect().catch(() => undefined);
    }
  }
}

/** How many of a batch's records to take so that at most `room` of the kept ones are printed. */
function cut(length: number, keep: boolean[] | undefined, room: number): { count: number; printed: number } {
  if (!keep) return { count: Math.min(length, room), printed: Math.min(length, room) };
  let printed = 0;
  for (let i = 0; i < length; i++) {
    if (keep[i] && ++printed === room) return { count: i + 1, printed };
  }
  return { count: length, printed };
}

function toRecord(tp: TopicPartition, m: FetchedRecord): ConsumedRecord {
  return { topic: tp.topic, partition: tp.partition, offset: m.offset, timestamp: m.timestamp, key: m.key ?? null, value: m.value, headers: m.headers, attributes: m.attributes };
}

/** Errors after which a join's alignment is worth another try: the broker or the group is busy or away. */
function mayPass(err: unknown): boolean {
  return isRetriable(err) || REBALANCING.has(kafkaCode(err) ?? '');
}

const REBALANCING = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR_FOR_GROUP']);
