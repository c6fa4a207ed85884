import { UsageError } from '../../errors.js';
import { validateTopicName } from '../../kafka/topic.js';
import { parseDuration } from '../../util/duration.js';
import { parseInteger } from '../../util/kv.js';
import { parseChain } from './chain.js';
import { dbSinkSpec, dbStageDefaults, rejectDbFlags, type DbArgs } from './db/spec.js';
import type { StageSpec } from './stage.js';
import { compileTransforms, type ExecFormat, type TransformEnv, type TransformSpec } from './transforms.js';

/** A stage before its transforms are compiled: what flags, a chain or a pipeline file describe. */
export interface StagePlan extends Omit<StageSpec, 'transforms'> {
  steps: TransformSpec[];
}

/** Tuning shared by every way of describing a stage; flags or the file's stage keys override these. */
export const DEFAULTS = { batchSize: 5000, batchMs: 200, retries: 3, parallel: 1, execFormat: 'lines' as ExecFormat, execTimeoutMs: 60_000, mapTimeoutMs: 30_000 };

export const defaultGroup = (from: string[], to: string[], toExec?: string) =>
  `kstream-pipeline-${from.join('+')}-${toExec !== undefined ? 'exec' : to.join('+')}`;

/** The tuning flags of `pipeline run`, as yargs parsed them (strings, so errors name the flag). */
export interface TuningArgs {
  batchSize?: string;
  batchMs?: string;
  retries?: string;
  parallel?: string;
  execFormat?: ExecFormat;
  execTimeout?: string;
  mapTimeout?: string;
  dlq?: string;
  group?: string;
}

export function tuningFrom(args: TuningArgs) {
  return {
    batchSize: args.batchSize === undefined ? DEFAULTS.batchSize : parseInteger(args.batchSize, '--batch-size', 1, 1_000_000),
    batchMs: args.batchMs === undefined ? DEFAULTS.batchMs : parseDuration(args.batchMs, '--batch-ms'),
    retries: args.retries === undefined ? DEFAULTS.retries : parseInteger(args.retries, '--retries', 0, 100),
    parallel: args.parallel === undefined ? DEFAULTS.parallel : parseInteger(args.parallel, '--parallel', 1, 64),
    execFormat: args.execFormat ?? DEFAULTS.execFormat,
    execTimeoutMs: args.execTimeout === undefined ? DEFAULTS.execTimeoutMs : parseDuration(args.execTimeout, '--exec-timeout'),
    mapTimeoutMs: args.mapTimeout === undefined ? DEFAULTS.mapTimeoutMs : parseDuration(args.mapTimeout, '--map-timeout'),
    dlq: args.dlq === undefined ? undefined : validateTopicName(args.dlq),
  };
}

export interface FlagStageArgs extends TuningArgs, DbArgs {
  from?: string;
  to?: string;
  toExec?: string;
  toDb?: string;
  /** --map, --filter and --exec in the order they were written. */
  steps: Array<['map' | 'filter' | 'exec', string]>;
}

/** One stage from --from/--to and transform flags. */
export function planFromFlags(args: FlagStageArgs): StagePlan {
  if (!args.from) throw new UsageError('name the source with --from TOPIC', { hint: "or write the stage as 'topic:SRC | … | topic:DST', or pass -f pipeline.yaml" });
  const sinks = [args.to, args.toExec, args.toDb].filter((s) => s !== undefined).length;
  if (sinks === 0) throw new UsageError('name the destination with --to TOPIC, --to-exec COMMAND or --to-db URL');
  if (sinks > 1) throw new UsageError('pass one of --to, --to-exec and --to-db');
  if (args.toDb === undefined) rejectDbFlags(args);
  const tuning = tuningFrom(args);
  const steps: TransformSpec[] = args.steps.map(([kind, text]) =>
    kind === 'exec' ? { kind, command: text, format: tuning.execFormat, timeoutMs: tuning.execTimeoutMs } : { kind, expr: text });
  const from = [validateTopicName(args.from)];
  const to = args.to ? [validateTopicName(args.to)] : [];
  if (args.toDb !== undefined) return { ...dbStageDefaults(from, dbSinkSpec(args.toDb, args), args.group), from, to, steps, ...tuning };
  return { name: args.to ?? 'sink', from, to, toExec: args.toExec, steps, group: args.group ?? defaultGroup(from, to, args.toExec), ...tuning };
}

/** One stage from the shell-style chain. */
export function planFromChain(text: string, args: TuningArgs & DbArgs): StagePlan {
  const tuning = tuningFrom(args);
  const chain = parseChain(text, { format: tuning.execFormat, timeoutMs: tuning.execTimeoutMs });
  const from = [chain.from];
  const to = chain.to ? [chain.to] : [];
  if (chain.toDb !== undefined) return { ...dbStageDefaults(from, dbSinkSpec(chain.toDb, args), args.group), from, to, steps: chain.transforms, ...tuning };
  rejectDbFlags(args);
  return { name: chain.to ?? 'sink', from, to, toExec: chain.toExec, steps: chain.transforms, group: args.group ?? defaultGroup(from, to, chain.toExec), ...tuning };
}

export function compilePlan(plan: StagePlan, env: Omit<TransformEnv, 'mapTimeoutMs'>): StageSpec {
  const { steps, ...rest } = plan;
  return { ...rest, transforms: compileTransforms(steps, { ...env, mapTimeoutMs: plan.mapTimeoutMs }) };
}
