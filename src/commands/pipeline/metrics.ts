import { createServer, type Server } from 'node:http';
import type { Counter, Gauge, Registry, Summary } from 'prom-client';
import { KstreamError, ExitCode } from '../../errors.js';
import { renderTable } from '../../output.js';

const COUNTERS = {
  recordsIn: ['kstream_pipeline_records_in_total', 'Records read from the source'],
  recordsOut: ['kstream_pipeline_records_out_total', 'Records written to the destination (or handed to the sink command)'],
  recordsFiltered: ['kstream_pipeline_records_filtered_total', 'Records dropped by --filter, --map or an --exec command'],
  recordsFailed: ['kstream_pipeline_records_failed_total', 'Input records of failed batches sent to the dead-letter topic'],
  batchesCommitted: ['kstream_pipeline_batches_committed_total', 'Micro-batches committed'],
  batchesAborted: ['kstream_pipeline_batches_aborted_total', 'Micro-batch attempts aborted (failed transform or transaction)'],
  rowsWritten: ['kstream_pipeline_db_rows_written_total', 'Rows a database sink inserted or upserted (committed)'],
} as const;
const GAUGES = {
  lag: ['kstream_pipeline_consumer_lag', 'Records in the source not yet processed, as of the last fetch'],
  inFlight: ['kstream_pipeline_in_flight_batches', 'Micro-batches being processed now'],
  workers: ['kstream_pipeline_workers', 'Running workers'],
} as const;
const TIMERS = {
  batchMs: ['kstream_pipeline_batch_duration_ms', 'Time to transform and commit one micro-batch, in milliseconds'],
  latencyMs: ['kstream_pipeline_end_to_end_latency_ms', 'From record timestamp to commit, in milliseconds (sampled per batch)'],
} as const;
const PERCENTILES = [0.5, 0.95, 0.99];

export type CounterName = keyof typeof COUNTERS;
export type GaugeName = keyof typeof GAUGES;
export type TimerName = keyof typeof TIMERS;

/** The figures of one stage, as printed at exit and written by --metrics-json. */
export interface StageFigures {
  stage: string;
  counters: Record<CounterName, number>;
  gauges: Record<GaugeName, number>;
  timers: Record<TimerName, { count: number; p50: number | null; p95: number | null; p99: number | null }>;
}

/** What a stage runner records; bound to its stage label. */
export interface StageMetrics {
  add(name: CounterName, n?: number): void;
  set(name: GaugeName, value: number): void;
  inc(name: GaugeName, delta: number): void;
  observe(name: TimerName, ms: number): void;
}

export class PipelineMetrics {
  private readonly stages: string[] = [];
  private constructor(
    readonly registry: Registry,
    private readonly counters: Record<CounterName, Counter<'stage'>>,
    private readonly gauges: Record<GaugeName, Gauge<'stage'>>,
    private readonly timers: Record<TimerName, Summary<'stage'>>,
  ) {}

  static async create(): Promise<PipelineMetrics> {
    // Loaded on use: only `pipeline run` needs it.
    const prom = (await import('prom-client')).default;
    const registry = new prom.Registry();
    const make = <K extends string, T>(defs: Record<K, readonly [string, string]>, build: (name: string, help: string) => T) =>
      Object.fromEntries(Object.entries<readonly [string, string]>(defs).map(([k, [name, help]]) => [k, build(name, help)])) as Record<K, T>;
    const labelNames = ['stage'] as const;
    return new PipelineMetrics(
      registry,
      make(COUNTERS, (name, help) => new prom.Counter({ name, help, labelNames, registers: [registry] })),
      make(GAUGES, (name, help) => new prom.Gauge({ name, help, labelNames, registers: [registry] })),
      make(TIMERS, (name, help) => new prom.Summary({ name, help, labelNames, percentiles: PERCENTILES, registers: [registry] })),
    );
  }

  stage(stage: string): StageMetrics {
    if (!this.stages.includes(stage)) {
      this.stages.push(stage);
      // Zero every series now, so a stage that saw nothing still reports zeros.
      for (const c of Object.values(this.counters)) c.inc({ stage }, 0);
      for (const g of Object.values(this.gauges)) g.set({ stage }, 0);
    }
    return {
      add: (name, n = 1) => this.counters[name].inc({ stage }, n),
      set: (name, value) => this.gauges[name].set({ stage }, value),
      inc: (name, delta) => this.gauges[name].inc({ stage }, delta),
      observe: (name, ms) => this.timers[name].observe({ stage }, ms),
    };
  }

  async figures(): Promise<StageFigures[]> {
    const values = async (metric: Counter<'stage'> | Gauge<'stage'> | Summary<'stage'>) => (await metric.get()).values;
    const out: StageFigures[] = this.stages.map((stage) => ({ stage, counters: {}, gauges: {}, timers: {} }) as StageFigures);
    const byStage = new Map(out.map((f) => [f.stage, f]));
    for (const [name, c] of Object.entries(this.counters) as Array<[CounterName, Counter<'stage'>]>) {
      for (const v of await values(c)) byStage.get(String(v.labels.stage))!.counters[name] = v.value;
    }
    for (const [name, g] of Object.entries(this.gauges) as Array<[GaugeName, Gauge<'stage'>]>) {
      for (const v of await values(g)) byStage.get(String(v.labels.stage))!.gauges[name] = v.value;
    }
    for (const [name, s] of Object.entries(this.timers) as Array<[TimerName, Summary<'stage'>]>) {
      for (const f of out) f.timers[name] = { count: 0, p50: null, p95: null, p99: null };
      for (const v of await values(s)) {
        const t = byStage.get(String(v.labels.stage))!.timers[name];
        const q = (v.labels as { quantile?: number }).quantile;
        if ((v as { metricName?: string }).metricName?.endsWith('_count')) t.count = v.value;
        else if (q !== undefined) {
          const key = `p${Math.round(Number(q) * 100)}` as 'p50' | 'p95' | 'p99';
          t[key] = Number.isFinite(v.value) ? Math.round(v.value * 10) / 10 : null;
        }
      }
    }
    return out;
  }

  /** Serves the Prometheus text format on 127.0.0.1:`port` at /metrics. */
  async serve(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end('not found; see /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500).end(err.message + '\n'),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new KstreamError(`cannot serve metrics on 127.0.0.1:${port}: ${err.message}`, { exitCode: ExitCode.USAGE, hint: 'choose another --metrics-port' })));
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return server;
  }
}

const fmt = (n: number | null) => (n === null ? '-' : String(n));

/** The summary table printed on stderr at exit, and refreshed live on a terminal. */
export function figuresTable(figures: StageFigures[]): string {
  return renderTable({
    head: ['STAGE', 'IN', 'OUT', 'FILTERED', 'FAILED', 'COMMITTED', 'ABORTED', 'LAG', 'BATCH p50/p95/p99 ms', 'LATENCY p50/p95/p99 ms'],
    rows: figures.map((f) => [
      f.stage, f.counters.recordsIn, f.counters.recordsOut, f.counters.recordsFiltered, f.counters.recordsFailed,
      f.counters.batchesCommitted, f.counters.batchesAborted, f.gauges.lag,
      `${fmt(f.timers.batchMs.p50)}/${fmt(f.timers.batchMs.p95)}/${fmt(f.timers.batchMs.p99)}`,
      `${fmt(f.timers.latencyMs.p50)}/${fmt(f.timers.latencyMs.p95)}/${fmt(f.timers.latencyMs.p99)}`,
    ]),
  });
}
