import { randomBytes } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, KafkaClient, KafkaMessage } from '../../kafkajs.js';
import { fromKafkaError, rootCause } from '../../kafka-errors.js';
import { fixedAssigner } from './assigner.js';
import { GroupCommits } from './commits.js';
import type { Part, RecordFormatter } from './format.js';
import type { OffsetSpec } from './offsets.js';
import { planConsume, whileCoordinatorLoads, type ConsumePlan } from './plan.js';
import { CommitLedger, IN_FLIGHT_BYTES, RecordWriter, isPipe, joinParts } from './writer.js';

export interface ConsumeOptions {
  topic: string;
  partitions?: number[];
  /** Where to start; default latest. With a group, committed offsets win. */
  offset?: OffsetSpec;
  maxMessages?: number;
  /** Stop once every assigned partition reached its high watermark of the start (kcat -e). */
  exitAtEnd: boolean;
  /** Stop after this long without a record. */
  timeoutMs?: number;
  group?: string;
  readUncommitted: boolean;
  formatter: RecordFormatter;
  /** Fetches what the formatter needs before it sees these records (the schemas of decoded ones). */
  prepare?: (messages: KafkaMessage[]) => Promise<void>;
}

export type StopReason = 'end' | 'max-messages' | 'timeout' | 'closed' | 'signal';

export interface ConsumeResult {
  records: number;
  seconds: number;
  reason: StopReason;
}

export interface ConsumeDeps {
  kafka: KafkaClient;
  admin: Admin;
  out: NodeJS.WritableStream;
  signal: AbortSignal;
  /** Names the private group of a run without --group: `<clientId>-consume-<random>`. */
  clientId: string;
  /** Writes one line for eyes (stderr). */
  note: (line: string) => void;
}

// 1 MiB per partition per fetch: few round trips without holding huge responses; a short wait keeps stops snappy.
const FETCH = { maxBytesPerPartition: 1 << 20, maxBytes: 16 << 20, minBytes: 1, maxWaitTimeInMs: 500 };

export async function consume(deps: ConsumeDeps, opts: ConsumeOptions): Promise<ConsumeResult> {
  const started = Date.now();
  const plan = await planConsume(deps.admin, opts);
  plan.notes.forEach(deps.note);
  // Nothing to read before the end: no need to join a group at all.
  if (opts.exitAtEnd && !opts.group && plan.partitions.every((p) => atEnd(plan, p))) {
    return { records: 0, seconds: (Date.now() - started) / 1000, reason: 'end' };
  }
  const run = new ConsumeRun(deps, opts, plan);
  const reason = await run.execute();
  return { records: run.records, seconds: (Date.now() - started) / 1000, reason };
}

function atEnd(plan: ConsumePlan, partition: number): boolean {
  return (plan.positions.get(partition) ?? 0) >= (plan.ends.get(partition) ?? 0);
}

/** One run of the consume loop: its consumer, its position in each partition, and how it stops. */
class ConsumeRun {
  records = 0;
  private readonly groupId: string;
  private readonly writer: RecordWriter;
  private readonly ledger?: CommitLedger;
  private commits?: GroupCommits;
  private readonly lagBytes: number;
  private consumer!: Consumer;
  private assigned?: number[];
  private readonly done = new Set<number>();
  /** The next offset to read in each partition. */
  private readonly positions: Map<number, number>;
  /** The next offset after what this run has printed or passed, in each partition it has read. */
  private readonly passed = new Map<number, number>();
  /** Counts joins (and restarts by kafkajs): the work of an older join gives way to a newer one. */
  private joins = 0;
  private readonly active = new Set<Promise<void>>();
  private reason?: StopReason;
  private finish!: (r: StopReason) => void;
  private crash!: (e: unknown) => void;
  private readonly finished: Promise<StopReason>;
  private idleTimer?: NodeJS.Timeout;

  constructor(private readonly deps: ConsumeDeps, private readonly opts: ConsumeOptions, private readonly plan: ConsumePlan) {
    // Without --group, a private group that is deleted at the end: kafkajs cannot read without one.
    this.groupId = opts.group ?? `${deps.clientId}-consume-${randomBytes(6).toString('hex')}`;
    this.writer = new RecordWriter(deps.out);
    this.positions = new Map(plan.positions);
    if (opts.group) this.ledger = new CommitLedger();
    // A reader on a pipe may close with bytes still unread; commit those only once we know it read them.
    this.lagBytes = isPipe(deps.out) ? IN_FLIGHT_BYTES : 0;
    this.finished = new Promise((resolve, reject) => {
      this.finish = resolve;
      this.crash = reject;
    });
    // A crash can come while the consumer is still starting, before anyone awaits `finished`.
    this.finished.catch(() => undefined);
  }

  async execute(): Promise<StopReason> {
    const onAbort = () => this.stop('signal');
    this.deps.signal.addEventListener('abort', onAbort);
    if (this.deps.signal.aborted) this.stop('signal');
    try {
      this.consumer = await this.createConsumer();
      await this.start();
      this.resetIdleTimer();
      return await this.finished;
    } finally {
      clearTimeout(this.idleTimer);
      this.deps.signal.removeEventListener('abort', onAbort);
      await this.shutdown();
    }
  }

  private async createConsumer(): Promise<Consumer> {
    const { opts } = this;
    const consumer = this.deps.kafka.consumer({
      groupId: this.groupId,
      partitionAssigners: opts.group ? undefined : [await fixedAssigner(opts.topic, this.plan.partitions)],
      readUncommitted: opts.readUncommitted,
      allowAutoTopicCreation: false,
      ...FETCH,
    });
    if (opts.group) this.commits = new GroupCommits(consumer, this.deps.admin, opts.group, opts.topic);
    // kafkajs restarts the consumer after retriable errors (a coordinator still loading); anything else ends the run.
    consumer.on(consumer.events.CRASH, (e) => {
      this.joins++;
      if (!e.payload.restart) this.crash(fromKafkaError(e.payload.error));
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => this.onAssigned(e.payload.memberAssignment[opts.topic] ?? []));
    // Batches of only transaction markers or aborted records never reach eachBatch, yet move the position.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      if (e.payload.batchSize === 0) this.advance(e.payload.partition, Number(e.payload.lastOffset) + 1);
    });
    return consumer;
  }

  private async start(): Promise<void> {
    const { consumer, opts } = this;
    await consumer.connect();
    await consumer.subscribe({ topic: opts.topic, fromBeginning: opts.offset?.kind === 'earliest' });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.min(this.plan.partitions.length, 8),
      eachBatch: (payload) => this.track(this.onBatch(payload)),
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

  private stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.finish(reason);
  }

  private resetIdleTimer(): void {
    if (this.opts.timeoutMs === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop('timeout'), this.opts.timeoutMs);
  }

  /**
   * On every join (the first, and again after a rebalance or a restart by kafkajs) decides where each
   * assigned partition goes on, before its first fetch. Without a group, nothing is committed: this
   * run's own position is the whole truth. With one, the partitions wait until the group's committed
   * offsets are known, since another member may have moved a partition on (see `align`).
   */
  private onAssigned(partitions: number[]): void {
    this.assigned = partitions;
    const join = ++this.joins;
    if (!this.commits) {
      this.place(partitions, new Map());
      this.release(partitions, false);
      return;
    }
    if (partitions.length > 0) this.consumer.pause([{ topic: this.opts.topic, partitions }]);
    void this.align(join, partitions, this.commits);
  }

  /**
   * Moves the partitions of one join to where the group is, makes the start of partitions that have
   * no committed offset durable, then lets them be fetched. A failure (a rebalance, a broker outage)
   * is retried until a newer join takes over or the run stops.
   */
  private async align(join: number, partitions: number[], commits: GroupCommits): Promise<void> {
    const current = () => join === this.joins && !this.reason;
    while (current()) {
      try {
        const committed = await commits.fetch();
        if (!current()) return;
        await commits.start(this.place(partitions, committed));
        if (current()) this.release(partitions, true);
        return;
      } catch (err) {
        if (!current()) return;
        if (!mayPass(err)) return this.crash(fromKafkaError(err));
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * Seeks each partition to where this run goes on: the group's committed offset, or this run's own
   * position if it is further (commits trail the output). Never behind the committed offset, which
   * another member may have moved on. Returns the starts of partitions without a committed offset.
   */
  private place(partitions: number[], committed: Map<number, number>): Map<number, number> {
    const starts = new Map<number, number>();
    for (const p of partitions) {
      const group = committed.get(p);
      const own = this.passed.get(p);
      const at = group === undefined ? (own ?? this.plan.positions.get(p)) : Math.max(group, own ?? group);
      if (at === undefined) continue;
      if (group === undefined) starts.set(p, at);
      this.positions.set(p, at);
      this.consumer.seek({ topic: this.opts.topic, partition: p, offset: String(at) });
    }
    return starts;
  }

  /** Lets the partitions of a join be fetched, but not those already at their --exit end. */
  private release(partitions: number[], resume: boolean): void {
    const live = this.opts.exitAtEnd ? partitions.filter((p) => !this.atEnd(p)) : partitions;
    if (this.opts.exitAtEnd) for (const p of partitions) if (!live.includes(p)) this.markDone(p);
    if (resume && live.length > 0) this.consumer.resume([{ topic: this.opts.topic, partitions: live }]);
    if (this.opts.exitAtEnd) this.checkAllDone();
  }

  private atEnd(partition: number): boolean {
    return (this.positions.get(partition) ?? 0) >= (this.plan.ends.get(partition) ?? 0);
  }

  private advance(partition: number, next: number): void {
    if (next > (this.positions.get(partition) ?? -1)) this.positions.set(partition, next);
    if (next > (this.passed.get(partition) ?? -1)) this.passed.set(partition, next);
    if (this.opts.exitAtEnd && this.atEnd(partition) && !this.done.has(partition)) {
      this.markDone(partition);
      this.checkAllDone();
    }
  }

  private markDone(partition: number): void {
    this.done.add(partition);
    // Stop fetching it: records produced after the start are not part of an --exit run.
    this.consumer.pause([{ topic: this.opts.topic, partitions: [partition] }]);
  }

  private checkAllDone(): void {
    if (this.assigned && this.assigned.every((p) => this.done.has(p))) this.stop('end');
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (this.reason || !isRunning() || isStale()) return;
    const partition = batch.partition;
    const { messages, next } = this.take(batch.messages, partition, Number(batch.lastOffset()) + 1);
    // The position moves before the write: a join while it is pending must not fetch these records again.
    this.advance(partition, next);
    if (messages.length > 0) {
      const cut = this.opts.maxMessages !== undefined && this.records + messages.length >= this.opts.maxMessages;
      this.records += messages.length;
      if (cut) this.stop('max-messages');
      if (!(await this.write(batch.topic, partition, messages))) return this.stop('closed');
      this.resetIdleTimer();
      if (cut) return;
    }
    resolveOffset(batch.lastOffset());
    await this.commitProgress();
    await heartbeat();
  }

  /**
   * The records of a batch this run prints: none before its position (already printed, or committed
   * by another member), none past the --exit end, none past --max-messages. `next` is the position after.
   */
  private take(all: KafkaMessage[], partition: number, afterBatch: number): { messages: KafkaMessage[]; next: number } {
    const from = this.positions.get(partition) ?? 0;
    let first = 0;
    while (first < all.length && Number(all[first]!.offset) < from) first++;
    let end = all.length;
    if (this.opts.exitAtEnd) {
      const stop = this.plan.ends.get(partition) ?? 0;
      while (end > first && Number(all[end - 1]!.offset) >= stop) end--;
    }
    let count = end;
    if (this.opts.maxMessages !== undefined) count = Math.min(end, first + Math.max(0, this.opts.maxMessages - this.records));
    const messages = first === 0 && count === all.length ? all : all.slice(first, count);
    if (count === end) return { messages, next: afterBatch };
    return { messages, next: count > first ? Number(all[count - 1]!.offset) + 1 : from };
  }

  private async write(topic: string, partition: number, messages: KafkaMessage[]): Promise<boolean> {
    await this.opts.prepare?.(messages);
    const parts: Part[] = [];
    const recordEnds: number[] = [];
    const record = { topic, partition, offset: '', timestamp: '', key: null as Buffer | null, value: null as Buffer | null, headers: undefined as KafkaMessage['headers'], attributes: 0 };
    for (const m of messages) {
      record.offset = m.offset;
      record.timestamp = m.timestamp;
      record.key = m.key ?? null;
      record.value = m.value;
      record.headers = m.headers;
      record.attributes = m.attributes;
      this.opts.formatter(record, parts);
      recordEnds.push(parts.length);
    }
    const chunk = joinParts(parts, recordEnds);
    if (this.assigned?.includes(partition)) this.ledger?.add(partition, this.writer.queued, chunk.ends, messages.map((m) => Number(m.offset)));
    return this.writer.write(chunk.bytes);
  }

  /** Commits, for a group, every record whose bytes the reader surely has. */
  private async commitProgress(): Promise<void> {
    if (!this.ledger || !this.commits) return;
    this.commits.deliver(this.ledger.confirmed(this.writer.accepted - this.lagBytes));
    await this.commits.progress(this.assigned ?? []);
  }

  private async shutdown(): Promise<void> {
    await Promise.allSettled([...this.active]);
    try {
      // After a clean stop the reader has everything written; after EPIPE, trust only what it surely read.
      if (this.reason && this.ledger && this.commits) {
        this.commits.deliver(this.ledger.confirmed(this.writer.accepted - (this.writer.closed ? this.lagBytes : 0)));
        await this.commits.final(this.assigned ?? []);
      }
    } finally {
      this.writer.dispose();
      await this.consumer?.disconnect().catch(() => undefined);
      if (!this.opts.group) await deleteGroup(this.deps.admin, this.groupId, this.deps.note);
    }
  }
}

/** Errors after which a join's alignment is worth another try: the broker or the group is busy or away. */
function mayPass(err: unknown): boolean {
  const root = rootCause(err) as { retriable?: boolean; type?: string } | undefined;
  return root?.retriable === true || REBALANCING.has(root?.type ?? '');
}

const REBALANCING = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR_FOR_GROUP']);

/** Removes the private group; right after leaving, the coordinator may still count the member. */
async function deleteGroup(admin: Admin, groupId: string, note: (line: string) => void): Promise<void> {
  try {
    await whileCoordinatorLoads(async () => {
      try {
        await admin.deleteGroups([groupId]);
      } catch (err) {
        const type = (err as { groups?: Array<{ error?: { type?: string } }> }).groups?.[0]?.error?.type;
        if (type === 'GROUP_ID_NOT_FOUND') return;
        if (type === 'NON_EMPTY_GROUP') throw Object.assign(new Error('the group still has a member'), { retriable: true });
        throw err;
      }
    }, 10);
  } catch (err) {
    note(`warning: could not delete the temporary consumer group '${groupId}': ${fromKafkaError(err).message}`);
  }
}
