import { describe, expect, it } from 'vitest';
import { figuresTable, PipelineMetrics } from '../../src/commands/pipeline/metrics.js';

describe('PipelineMetrics', () => {
  it('keeps counters, gauges and percentiles per stage', async () => {
    const metrics = await PipelineMetrics.create();
    const a = metrics.stage('a');
    metrics.stage('idle');
    a.add('recordsIn', 10);
    a.add('recordsOut', 8);
    a.add('recordsFiltered', 2);
    a.add('batchesCommitted');
    a.set('lag', 5);
    a.inc('inFlight', 1);
    for (let i = 1; i <= 100; i++) a.observe('batchMs', i);
    const [fa, idle] = await metrics.figures();
    expect(fa).toMatchObject({
      stage: 'a',
      counters: { recordsIn: 10, recordsOut: 8, recordsFiltered: 2, recordsFailed: 0, batchesCommitted: 1, batchesAborted: 0 },
      gauges: { lag: 5, inFlight: 1, workers: 0 },
    });
    expect(fa!.timers.batchMs.count).toBe(100);
    expect(fa!.timers.batchMs.p50).toBeCloseTo(50, -1);
    expect(fa!.timers.batchMs.p99).toBeGreaterThan(95);
    expect(fa!.timers.latencyMs).toEqual({ count: 0, p50: null, p95: null, p99: null });
    expect(idle!.counters.recordsIn).toBe(0);
    const table = figuresTable([fa!, idle!]);
    expect(table).toMatch(/STAGE.*IN.*OUT.*FILTERED.*FAILED.*COMMITTED.*ABORTED.*LAG/);
    expect(table).toMatch(/│ idle +│ 0 /);
  });

  it('renders the Prometheus text format', async () => {
    const metrics = await PipelineMetrics.create();
    const s = metrics.stage('s');
    s.add('recordsIn', 3);
    s.observe('batchMs', 12);
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE kstream_pipeline_records_in_total counter');
    expect(text).toContain('kstream_pipeline_records_in_total{stage="s"} 3');
    expect(text).toContain('kstream_pipeline_batch_duration_ms{quantile="0.99",stage="s"}');
  });
});
