// consume without --group: kstream's own fetch loop (src/kafka/fetch) reads the partitions directly,
// with no consumer group at all, and each fetch response is rendered straight from its bytes into one
// output buffer and written in one write. With --group, loop.ts reads through the group consumer.
//
// One Fetcher per topic, over one shared cluster (its connections and metadata); their responses go
// through one queue, so the output buffer and stdout see one response at a time. With --include, a
// watch lists the topics every few seconds and starts a Fetcher for each new match.
import type { KafkaAdmin } from '../../kafka/admin/index.js';
import type { KafkaClient } from '../../kafka/client.js';
import { createCluster, type KafkajsCluster } from '../../kafka/cluster.js';
import { Fetcher, type FetchedRecords, type StartPosition } from '../../kafka/fetch/fetcher.js';
import { holderOn, openTransactionNotice } from '../../kafka/transactions/stall.js';
import type { ConsumedRecord, Part, RecordFormatter } from './format.js';
import type { ConsumeResult } from './loop.js';
import { OutBuffer } from './out-buffer.js';
import { planConsume, type ConsumePlan, type PlanOptions } from './plan.js';
import { cursorRecord, recordFormatter, renderer, writeParts, type OutputSpec, type Renderer } from './render.js';
import { RecordSelector } from './select.js';
import { StopRules, type StopOptions, type StopReason } from './stop-rules.js';
import { resolveTopics, tpKey, type TopicSelection } from './topics.js';
import { TopicWatch } from './watch.js';
import { RecordWriter } from './writer.js';

export interface DirectOptions extends Omit<PlanOptions, 'topics' | 'group'>, StopOptions {
  selection: TopicSelection;
  /** Stop at the end of every partition (--exit, --until). */
  exitAtEnd: boolean;
  readUncommitted: boolean;
  output: OutputSpec;
  /** Set when records are tested before printing (--key, --grep, --filter). */
  selector?: RecordSelector;
  /** Fetches what the formatter needs before it sees these records (the schemas of decoded ones). */
  prepare?: (records: ConsumedRecord[]) => Promise<void>;
}

export interface DirectDeps {
  kafka: KafkaClient;
  admin: KafkaAdmin;
  out: NodeJS.WritableStream;
  signal: AbortSignal;
  note: (line: string) => void;
  /** How long a broker may take to answer a fetch beyond its long-poll wait. */
  requestTimeoutMs: number;
}

// 1 MiB per partition (Kafka's default) and per response. Memory follows the response size (the one
// walked, the one in flight, the output buffer, each ~1 MiB); round trips do not cost speed, as the
// next fetch travels while one is walked. The broker holds a fetch up to 500 ms for new data, which
// also bounds how late a stop is noticed.
const FETCH = { maxWaitMs: 500, partitionMaxBytes: 1 << 20, maxBytes: 1 << 20 };

export async function consumeDirect(deps: DirectDeps, opts: DirectOptions): Promise<ConsumeResult> {
  const started = Date.now();
  const topics = await resolveTopics(deps.admin, opts.selection);
  const plan = await planConsume(deps.admin, { ...opts, topics });
  plan.notes.forEach(deps.note);
  const watching = opts.selection.include !== undefined && !opts.exitAtEnd;
  if (opts.selection.include && topics.length === opts.selection.names.length) {
    deps.note(watching ? `--include matches no topic yet; waiting for one to be created` : `--include matches no topic`);
  }
  const run = new DirectRun(deps, opts);
  const reason = await run.execute(plan, watching ? topics : undefined);
  return { records: run.printed, seconds: (Date.now() - started) / 1000, reason };
}

/** The starts of one topic's partitions in a plan. */
function startsOf(plan: ConsumePlan, topic: string, exitAtEnd: boolean): StartPosition[] {
  return plan.partitions.filter((tp) => tp.topic === topic).map(({ partition }) => ({
    partition,
    offset: plan.positions.get(tpKey(topic, partition)) ?? 0,
    stopAt: exitAtEnd ? plan.ends.get(tpKey(topic, partition)) ?? 0 : undefined,
  }));
}

/** One run: the fetchers, the output buffer and writer, the stop rules. */
class DirectRun {
  private readonly stops: StopRules;
  private readonly cluster: KafkajsCluster;
  private readonly writer: RecordWriter;
  private readonly out = new OutBuffer();
  private readonly renderers = new Map<string, Renderer>();
  private readonly fetchers = new Set<Fetcher>();
  private readonly running = new Set<Promise<void>>();
  private queue: Promise<unknown> = Promise.resolve();
  private watch?: TopicWatch;
  private format?: RecordFormatter;
  /** A stream without a file descriptor (a test's) may keep the chunk: give it a copy, not the reused buffer. */
  private readonly copyChunks: boolean;

  constructor(private readonly deps: DirectDeps, private readonly opts: DirectOptions) {
    this.stops = new StopRules(opts, deps.signal, () => this.halt());
    this.cluster = createCluster(deps.kafka, { readCommitted: !opts.readUncommitted });
    this.writer = new RecordWriter(deps.out);
    this.copyChunks = typeof (deps.out as { fd?: unknown }).fd !== 'number';
  }

  get printed(): number {
    return this.stops.printed;
  }

  /** Reads the plan's partitions; `watched` (the topics read so far) turns on the --include watch. */
  async execute(plan: ConsumePlan, watched?: string[]): Promise<StopReason> {
    try {
      for (const topic of new Set(plan.partitions.map((tp) => tp.topic))) this.startTopic(topic, startsOf(plan, topic, this.opts.exitAtEnd));
      if (watched) {
        this.watch = new TopicWatch(this.deps.admin, this.opts.selection, watched, this.deps.note, (topic, starts) => {
          this.deps.note(`--include: reading new topic '${topic}' from its beginning`);
          this.startTopic(topic, starts);
        });
        this.watch.start();
      }
      this.checkDone();
      return await this.stops.finished;
    } finally {
      this.stops.dispose();
      this.halt();
      await Promise.allSettled([...this.running]);
      await this.queue.catch(() => undefined);
      this.writer.dispose();
      await this.cluster.disconnect().catch(() => undefined);
    }
  }

  private halt(): void {
    this.watch?.stop();
    for (const f of this.fetchers) f.stop();
  }

  private startTopic(topic: string, starts: StartPosition[]): void {
    if (this.stops.over || starts.every((s) => s.stopAt !== undefined && s.offset >= s.stopAt)) return;
    // A read_committed reader held at an open transaction says so once per topic (stall.ts).
    const onOffsets = this.opts.readUncommitted ? undefined : openTransactionNotice(topic, holderOn({ cluster: this.cluster }, topic), this.deps.note);
    const fetcher = new Fetcher(
      this.cluster,
      { topic, readCommitted: !this.opts.readUncommitted, requestTimeoutMs: this.deps.requestTimeoutMs, note: this.deps.note, onOffsets, ...FETCH },
      starts,
    );
    this.fetchers.add(fetcher);
    const run: Promise<void> = fetcher
      .run((fetched) => this.serialized(() => this.onFetched(topic, fetched)))
      .catch((err) => this.stops.fail(err))
      .finally(() => {
        this.fetchers.delete(fetcher);
        this.running.delete(run);
        this.checkDone();
      });
    this.running.add(run);
  }

  /** Every partition reached its end, and no watch may add more. */
  private checkDone(): void {
    if (this.running.size === 0 && !this.watch) this.stops.stop('end');
  }

  /** Runs sinks of different fetchers one at a time: they share the output buffer. */
  private serialized(work: () => Promise<boolean>): Promise<boolean> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private rendererFor(topic: string): Renderer {
    let r = this.renderers.get(topic);
    if (!r) this.renderers.set(topic, (r = renderer(this.opts.output, topic)));
    return r;
  }

  /** Renders one response's records into the output buffer and writes them; false ends this fetcher. */
  private async onFetched(topic: string, fetched: FetchedRecords): Promise<boolean> {
    if (this.stops.over) return false;
    const { out } = this;
    out.reset();
    const printed = this.opts.selector ? await this.renderSelected(topic, fetched) : await this.renderAll(topic, fetched);
    if (out.len > 0) {
      const bytes = this.copyChunks ? Buffer.from(out.view()) : out.view();
      if (!(await this.writer.write(bytes))) {
        this.stops.stop('closed');
        return false;
      }
    }
    // Counted once written: a max-messages stop then ends the run with every printed record out.
    this.stops.count(printed);
    return !this.stops.over;
  }

  /** The fast path: every record straight from the batch bytes. */
  private async renderAll(topic: string, fetched: FetchedRecords): Promise<number> {
    const render = this.rendererFor(topic);
    const limit = this.stops.room;
    let count = 0;
    await fetched.walk(
      (cursor) => {
        render(cursor, this.out);
        return ++count < limit;
      },
      (records) => this.out.stage(records),
    );
    // Records held back for a schema fetch (see render.ts's decodingRenderer).
    if (render.settle) await render.settle(this.out);
    return count;
  }

  /** With --key/--grep/--filter: the records as objects, tested as one batch, the kept ones formatted. */
  private async renderSelected(topic: string, fetched: FetchedRecords): Promise<number> {
    const records: ConsumedRecord[] = [];
    await fetched.walk((cursor) => records.push(cursorRecord(cursor, topic)) > 0);
    if (records.length === 0) return 0;
    const keep = await this.opts.selector!.select(records);
    await this.opts.prepare?.(records);
    const format = (this.format ??= recordFormatter(this.opts.output));
    const parts: Part[] = [];
    let count = 0;
    for (let i = 0; i < records.length && count < this.stops.room; i++) {
      if (!keep[i]) continue;
      parts.length = 0;
      format(records[i]!, parts);
      writeParts(parts, this.out);
      count++;
    }
    return count;
  }
}
