import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { createKafka } from '../../kafka/connection.js';
import { UsageError } from '../../errors.js';
import { watchSignals } from '../../signals.js';
import { parseInteger } from '../../util/kv.js';
import { killRunningCommands } from './exec.js';
import { ExprThreads } from './expr-threads.js';
import { compilePlan, planFromChain, planFromFlags, type StagePlan, type TuningArgs } from './plan.js';
import { runPipeline } from './runner.js';
import { loadPipelineFile, topologicalOrder } from './spec.js';
import { checkDbSinks } from './db/check.js';
import { DB_OPTIONS } from './db/options.js';
import { openRegistry } from '../../serde/connect.js';
import { PIPELINE_SERDE_OPTIONS, withSchemas, type PipelineSerdeArgs } from '../../serde/pipeline.js';

const STEP_FLAGS = ['map', 'filter', 'exec'] as const;

/** The transform flags in the order they were written (yargs keeps first-appearance order of keys). */
export function stepsInOrder(argv: Record<string, unknown>): Array<['map' | 'filter' | 'exec', string]> {
  return Object.keys(argv)
    .filter((k): k is (typeof STEP_FLAGS)[number] => (STEP_FLAGS as readonly string[]).includes(k))
    .flatMap((k) => {
      const v = argv[k];
      if (Array.isArray(v)) throw new UsageError(`--${k} may be given once`, { hint: "for more steps write a chain: 'topic:a | map:… | filter:… | map:… | topic:b'" });
      return [[k, String(v)] as ['map' | 'filter' | 'exec', string]];
    });
}

function plansFrom(argv: Record<string, unknown>): StagePlan[] {
  const tuning = argv as TuningArgs;
  const steps = stepsInOrder(argv);
  if (argv.file) {
    if (argv.chain || argv.from || argv.to || argv.toExec || argv.toDb || steps.length) {
      throw new UsageError('-f takes the stages from the file; do not also pass a chain, --from, --to or transforms');
    }
    return topologicalOrder(loadPipelineFile(String(argv.file)).stages);
  }
  if (argv.chain) {
    if (argv.from || argv.to || argv.toExec || argv.toDb || steps.length) throw new UsageError('write the stage either as a chain or with --from/--to and transform flags, not both');
    return [planFromChain(String(argv.chain), tuning)];
  }
  return [planFromFlags({ ...tuning, from: argv.from as string, to: argv.to as string, toExec: argv.toExec as string, toDb: argv.toDb as string | undefined, steps })];
}

/**
 * Calls `fn` on the second SIGINT/SIGTERM. Registered before watchSignals, so it runs before the
 * second signal ends the process: commands in their own process groups are killed, not orphaned.
 */
function onSecondSignal(ctx: Parameters<CommandFactory>[0], fn: () => void): () => void {
  let seen = 0;
  const handler = () => {
    if (++seen === 2) fn();
  };
  ctx.io.signals.on('SIGINT', handler);
  ctx.io.signals.on('SIGTERM', handler);
  return () => {
    ctx.io.signals.off('SIGINT', handler);
    ctx.io.signals.off('SIGTERM', handler);
  };
}

export const runCommand: CommandFactory = (ctx) => ({
  command: 'run [chain]',
  describe: 'Run a stage (or a pipeline file) from topic to topic, exactly once',
  builder: (y) =>
    y
      .positional('chain', { type: 'string', describe: "A stage written the shell way: 'topic:SRC | CMD | map:EXPR | filter:EXPR | topic:DST' (or … | exec:CMD)" })
      .options({
        file: { alias: 'f', type: 'string', describe: 'Run the stages of a pipeline file (YAML)', requiresArg: true },
        from: { type: 'string', describe: 'Source topic', requiresArg: true },
        to: { type: 'string', describe: 'Destination topic (exactly once)', requiresArg: true },
        'to-exec': { type: 'string', describe: 'Pipe each batch to this command instead; offsets committed after it exits 0 (at least once)', requiresArg: true },
        map: { type: 'string', describe: 'JS expression over r (key, value, headers as text; bytes, keyBytes, headerBytes; partition, offset, timestamp, json): a string, {key,value,headers,partition}, or null to drop. Trusted code: it runs with kstream\'s rights, like --exec', requiresArg: true },
        filter: { type: 'string', describe: 'JS expression over r; keep the record when it is truthy (trusted code, like --map)', requiresArg: true },
        'map-timeout': { type: 'string', describe: 'Fail a batch whose --map or --filter runs longer (default 30s; 0: no limit)', requiresArg: true },
        exec: { type: 'string', describe: 'Shell command run once per batch: records in on stdin, one record per line out', requiresArg: true },
        'exec-format': { choices: ['lines', 'json'] as const, describe: 'What --exec reads and prints: values as lines, or JSON envelopes (default lines)', requiresArg: true },
        'exec-timeout': { type: 'string', describe: 'Fail a batch whose command runs longer (default 60s; 0: no limit)', requiresArg: true },
        group: { type: 'string', describe: 'Consumer group (default kstream-pipeline-SRC-DST)', requiresArg: true },
        'batch-size': { type: 'string', describe: 'Most records per micro-batch and transaction (default 5000)', requiresArg: true },
        'batch-ms': { type: 'string', describe: 'Longest wait for records to fill a batch (default 200ms)', requiresArg: true },
        retries: { type: 'string', describe: 'Retries of a failing batch, with backoff (default 3)', requiresArg: true },
        dlq: { type: 'string', describe: 'After the retries, send the batch\'s input records here with a kstream-error header and go on', requiresArg: true },
        parallel: { type: 'string', describe: 'Workers of the stage in one consumer group (default 1)', requiresArg: true },
        exit: { type: 'boolean', default: false, describe: 'Stop once the records present at start are processed' },
        'metrics-json': { type: 'string', describe: 'Write the final figures to this file as JSON', requiresArg: true },
        'metrics-port': { type: 'string', describe: 'Serve Prometheus metrics on 127.0.0.1:PORT/metrics', requiresArg: true },
        ...DB_OPTIONS,
        ...PIPELINE_SERDE_OPTIONS,
      })
      .example("$0 pipeline run --from raw --to clean --filter 'r.json?.level !== \"debug\"'", 'Filter without spawning a process')
      .example("$0 pipeline run --from raw --to upper --exec 'tr a-z A-Z' --exit", 'A shell command per batch, until the topic is drained')
      .example("$0 pipeline run 'topic:raw | grep -v DEBUG | map:r.value.trim() | topic:clean'", 'The same, written as a chain')
      .example('$0 pipeline run --from toll --to-db postgres://etl@localhost/tolldata --table livetolldata', 'Load JSON records into a table, exactly once')
      .example('$0 pipeline run -f pipeline.yaml --metrics-port 9464', 'A multi-stage pipeline with Prometheus metrics')
      .example("$0 pipeline run --from users --to adults --schema-registry URL --filter 'r.json.age >= 18' --to-value-subject adults-value", 'Avro in, Avro out: the filter sees the decoded value'),
  handler: async (argv) => {
    const plans = plansFrom(argv);
    const threads = new ExprThreads();
    const stopCommands = onSecondSignal(ctx, killRunningCommands);
    try {
      const compiled = plans.map((p) => compilePlan(p, { stderr: ctx.io.stderr, env: ctx.io.env, threads }));
      const stages = await withSchemas(ctx, compiled, argv as PipelineSerdeArgs, openRegistry(ctx, argv));
      const metricsPort = argv.metricsPort === undefined ? undefined : parseInteger(argv.metricsPort, '--metrics-port', 1, 65535);
      const conn = connectionFrom(ctx, argv);
      await checkDbSinks(stages, ctx.io.env, conn.timeoutMs);
      const kafka = await createKafka(conn, ctx.io);
      const interruption = watchSignals(ctx);
      try {
        await runPipeline(ctx, kafka, conn, stages, { exit: argv.exit, metricsJson: argv.metricsJson, metricsPort, signal: interruption.signal });
        // A signal is how a following pipeline ends: the figures table was its summary.
        interruption.endIfInterrupted();
      } finally {
        interruption.dispose();
      }
    } finally {
      stopCommands();
      // A command still running now (a stage failed while another waited for it) would outlive kstream.
      killRunningCommands();
      await threads.close();
    }
  },
});
