import { randomBytes } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, KafkaClient, KafkaMessage } from '../../kafkajs.js';
import { fromKafkaError } from '../../kafka-errors.js';
import { fixedAssigner } from './assigner.js';
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
  private readonly lagBytes: number;
  private consumer!: Consumer;
  private assigned?: number[];
  private readonly done = new Set<number>();
  /** Partitions this run has committed an offset for. */
  private readonly committed = new Set<number>();
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
    // kafkajs restarts the consumer after retriable errors (a coordinator still loading); anything else ends the run.
    consumer.on(consumer.events.CRASH, (e) => {
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
   * On every join (the first, and again after a rebalance or a restart by kafkajs) move each assigned
   * partition to where this run is, before its first fetch. Else kafkajs falls back to the group's
   * committed offset, which trails what this run printed (commits lag the output), and prints those
   * records again; or, without one, to the earliest or latest offset. Seeks apply at the next fetch.
   */
  private onAssigned(partitions: number[]): void {
    this.assigned = partitions;
    for (const p of partitions) {
      const at = this.plan.positions.get(p);
      if (at !== undefined) this.consumer.seek({ topic: this.opts.topic, partition: p, offset: String(at) });
    }
    if (!this.opts.exitAtEnd) return;
    for (const p of partitions) if (atEnd(this.plan, p)) this.markDone(p);
    this.checkAllDone();
  }

  private advance(partition: number, next: number): void {
    if (next > (this.plan.positions.get(partition) ?? -1)) this.plan.positions.set(partition, next);
    if (this.opts.exitAtEnd && atEnd(this.plan, partition) && !this.done.has(partition)) {
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
    const messages = this.take(batch.messages, partition);
    if (messages.length > 0) {
      const cut = this.opts.maxMessages !== undefined && this.records + messages.length >= this.opts.maxMessages;
      this.records += messages.length;
      if (cut) this.stop('max-messages');
      if (!(await this.write(batch.topic, partition, messages))) return this.stop('closed');
      this.resetIdleTimer();
      if (cut) return;
    }
    resolveOffset(batch.lastOffset());
    this.advance(partition, Number(batch.lastOffset()) + 1);
    await this.commit(this.writer.accepted - this.lagBytes);
    await heartbeat();
  }

  /** The records of a batch this run prints: none past the --exit end, none past --max-messages. */
  private take(messages: KafkaMessage[], partition: number): KafkaMessage[] {
    let count = messages.length;
    if (this.opts.exitAtEnd) {
      const end = this.plan.ends.get(partition) ?? 0;
      while (count > 0 && Number(messages[count - 1]!.offset) >= end) count--;
    }
    if (this.opts.maxMessages !== undefined) count = Math.min(count, this.opts.maxMessages - this.records);
    return count === messages.length ? messages : messages.slice(0, count);
  }

  private async write(topic: string, partition: number, messages: KafkaMessage[]): Promise<boolean> {
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
    this.ledger?.add(partition, this.writer.queued, chunk.ends, messages.map((m) => Number(m.offset)));
    return this.writer.write(chunk.bytes);
  }

  /**
   * Commits, for a group, every record whose bytes ended at or before `upTo` in the output.
   * `final` also commits where this run started in partitions that had no committed offset,
   * so that the next run goes on from there and not from the latest record.
   */
  private async commit(upTo: number, final = false): Promise<void> {
    if (!this.ledger) return;
    const next = this.ledger.confirmed(upTo);
    if (final) {
      for (const s of this.plan.seeks) {
        if (this.assigned?.includes(s.partition) && !this.committed.has(s.partition) && !next.has(s.partition)) next.set(s.partition, s.offset);
      }
    }
    if (next.size === 0) return;
    for (const p of next.keys()) this.committed.add(p);
    const { topic } = this.opts;
    await this.consumer.commitOffsets([...next].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })));
  }

  private async shutdown(): Promise<void> {
    await Promise.allSettled([...this.active]);
    try {
      // After a clean stop the reader has everything written; after EPIPE, trust only what it surely read.
      if (this.reason) await this.commit(this.writer.accepted - (this.reason === 'closed' ? this.lagBytes : 0), true);
    } finally {
      this.writer.dispose();
      await this.consumer?.disconnect().catch(() => undefined);
      if (!this.opts.group) await deleteGroup(this.deps.admin, this.groupId, this.deps.note);
    }
  }
}

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
