import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Connection } from '../../kafka/connection.js';
import type { Context } from '../../context.js';
import type { KafkaClient } from '../../kafka/client.js';
import { figuresTable, PipelineMetrics } from './metrics.js';
import { runStage, type StageSpec } from './stage.js';

export interface PipelineOptions {
  exit: boolean;
  metricsJson?: string;
  metricsPort?: number;
  signal: AbortSignal;
}

/**
 * Runs the stages: all at once, or with --exit one after another in graph order, so that each
 * stage's source is complete (its upstream drained) when it captures the watermarks to stop at.
 */
export async function runPipeline(ctx: Context, kafka: KafkaClient, conn: Connection, stages: StageSpec[], opts: PipelineOptions): Promise<void> {
  const metrics = await PipelineMetrics.create();
  for (const s of stages) metrics.stage(s.name);
  const server: Server | undefined = opts.metricsPort === undefined ? undefined : await metrics.serve(opts.metricsPort);
  const live = ctx.io.stderr.isTTY ? liveTable(ctx, metrics) : undefined;
  // One failing stage stops the others.
  const stopAll = new AbortController();
  let started = false;
  const signal = AbortSignal.any([opts.signal, stopAll.signal]);
  const run = (spec: StageSpec) =>
    runStage(spec, {
      kafka, conn, signal, exit: opts.exit, metrics: metrics.stage(spec.name), io: ctx.io, warn: ctx.warn, started: () => (started = true),
    }).catch((err) => {
      stopAll.abort();
      throw err;
    });
  try {
    if (opts.exit) {
      for (const spec of stages) {
        if (signal.aborted) break;
        await run(spec);
      }
    } else {
      await Promise.all(stages.map(run));
    }
  } finally {
    live?.stop();
    server?.close();
    const figures = await metrics.figures();
    // A run that failed its checks (a missing topic, no broker) has no figures worth a table.
    if (started) ctx.io.stderr.write(figuresTable(figures));
    if (opts.metricsJson) writeFileSync(opts.metricsJson, JSON.stringify({ stages: figures }, null, 2) + '\n');
  }
}

/** Redraws the figures on stderr about once a second (terminals only). */
function liveTable(ctx: Context, metrics: PipelineMetrics): { stop(): void } {
  let lines = 0;
  let busy = false;
  const draw = async () => {
    if (busy) return;
    busy = true;
    const table = figuresTable(await metrics.figures());
    // Move up over the previous table and clear to the end of the screen.
    ctx.io.stderr.write((lines ? `\x1b[${lines}F\x1b[J` : '') + table);
    lines = table.split('\n').length - 1;
    busy = false;
  };
  const timer = setInterval(() => void draw(), 1000);
  return {
    stop: () => {
      clearInterval(timer);
      if (lines) ctx.io.stderr.write(`\x1b[${lines}F\x1b[J`);
    },
  };
}
