// consume without --group: kstream's own fetch loop (src/kafka/fetch) reads the partitions directly,
// with no consumer group at all, and each fetch response is rendered straight from its bytes into one
// output buffer and written in one write. With --group, loop.ts reads through kafkajs's consumer.
import type { Admin, KafkaClient } from '../../kafkajs.js';
import { createCluster } from '../../kafka/cluster.js';
import { Fetcher, type FetchedRecords, type StartPosition } from '../../kafka/fetch/fetcher.js';
import type { ConsumeOptions, ConsumeResult, StopReason } from './loop.js';
import { OutBuffer } from './out-buffer.js';
import { planConsume } from './plan.js';
import { renderer, type OutputSpec } from './render.js';
import { RecordWriter } from './writer.js';

export interface DirectOptions extends Omit<ConsumeOptions, 'formatter' | 'group'> {
  output: OutputSpec;
}

export interface DirectDeps {
  kafka: KafkaClient;
  admin: Admin;
  out: NodeJS.WritableStream;
  signal: AbortSignal;
  note: (line: string) => void;
  /** How long a broker may take to answer a fetch beyond its long-poll wait. */
  requestTimeoutMs: number;
}

// 1 MiB per partition (Kafka's default) and 8 MiB per response: few round trips, bounded memory.
// The broker holds a fetch up to 500 ms for new data, which also bounds how late a stop is noticed.
const FETCH = { maxWaitMs: 500, partitionMaxBytes: 1 << 20, maxBytes: 8 << 20 };

export async function consumeDirect(deps: DirectDeps, opts: DirectOptions): Promise<ConsumeResult> {
  const started = Date.now();
  const plan = await planConsume(deps.admin, opts);
  plan.notes.forEach(deps.note);
  const starts: StartPosition[] = plan.partitions.map((partition) => ({
    partition,
    offset: plan.positions.get(partition) ?? 0,
    stopAt: opts.exitAtEnd ? plan.ends.get(partition) ?? 0 : undefined,
  }));
  const result = (records: number, reason: StopReason) => ({ records, seconds: (Date.now() - started) / 1000, reason });
  if (starts.every((s) => s.stopAt !== undefined && s.offset >= s.stopAt)) return result(0, 'end');
  const run = new DirectRun(deps, opts, starts);
  const reason = await run.execute();
  return result(run.records, reason);
}

/** One run: the fetcher, the output buffer and writer, the stop rules. */
class DirectRun {
  records = 0;
  private reason?: StopReason;
  private readonly fetcher: Fetcher;
  private readonly cluster;
  private readonly writer: RecordWriter;
  private readonly out = new OutBuffer();
  private readonly render;
  /** A stream without a file descriptor (a test's) may keep the chunk: give it a copy, not the reused buffer. */
  private readonly copyChunks: boolean;
  private idleTimer?: NodeJS.Timeout;

  constructor(private readonly deps: DirectDeps, private readonly opts: DirectOptions, starts: StartPosition[]) {
    this.cluster = createCluster(deps.kafka, { readCommitted: !opts.readUncommitted });
    this.fetcher = new Fetcher(
      this.cluster,
      { topic: opts.topic, readCommitted: !opts.readUncommitted, requestTimeoutMs: deps.requestTimeoutMs, note: deps.note, ...FETCH },
      starts,
    );
    this.writer = new RecordWriter(deps.out);
    this.render = renderer(opts.output, opts.topic);
    this.copyChunks = typeof (deps.out as { fd?: unknown }).fd !== 'number';
  }

  async execute(): Promise<StopReason> {
    const onAbort = () => this.stop('signal');
    this.deps.signal.addEventListener('abort', onAbort);
    if (this.deps.signal.aborted) this.stop('signal');
    try {
      this.resetIdleTimer();
      await this.fetcher.run((fetched) => this.onFetched(fetched));
      return this.reason ?? 'end';
    } finally {
      clearTimeout(this.idleTimer);
      this.deps.signal.removeEventListener('abort', onAbort);
      this.writer.dispose();
      await this.cluster.disconnect().catch(() => undefined);
    }
  }

  private stop(reason: StopReason): void {
    this.reason ??= reason;
    this.fetcher.stop();
  }

  private resetIdleTimer(): void {
    if (this.opts.timeoutMs === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop('timeout'), this.opts.timeoutMs);
  }

  /** Renders one response's records into the output buffer and writes them; false ends the run. */
  private async onFetched(fetched: FetchedRecords): Promise<boolean> {
    if (this.reason) return false;
    const { out, render } = this;
    const limit = this.opts.maxMessages === undefined ? Infinity : this.opts.maxMessages - this.records;
    let count = 0;
    out.reset();
    const cut = await fetched.walk(
      (cursor) => {
        render(cursor, out);
        return ++count < limit;
      },
      (records) => out.stage(records),
    );
    // Records held back for a schema fetch (see render.ts's decodingRenderer).
    if (render.settle) await render.settle(out);
    this.records += count;
    if (count > 0) this.resetIdleTimer();
    if (cut) this.reason ??= 'max-messages';
    if (out.len > 0) {
      const bytes = this.copyChunks ? Buffer.from(out.view()) : out.view();
      if (!(await this.writer.write(bytes))) {
        this.stop('closed');
        return false;
      }
    }
    if (cut) this.stop('max-messages');
    return !cut;
  }
}
