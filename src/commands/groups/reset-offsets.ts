import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { Context } from '../../context.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { UsageError } from '../../errors.js';
import { outputOption, render, resolveFormat, type OutputFormat, type View } from '../../output.js';
import { requireTopics } from '../../kafka/topic.js';
import { groupNotFound, isActive, watermarks, type Committed } from './group.js';
import { readFileSync } from 'node:fs';
import {
  mergeSelections, offsetsCsv, parseResetMode, parseTopicSpec, planReset,
  type PartitionState, type ResetMode, type ResetPlan, type TopicSelection,
} from './plan.js';

export interface ResetOffsetsOptions {
  group: string;
  /** undefined: --all-topics, every topic the group has committed offsets for. */
  topics?: TopicSelection[];
  mode: ResetMode;
  execute: boolean;
}

export interface ResetResult extends ResetPlan {
  /** The group had no offsets and no members: --execute creates it. */
  newGroup: boolean;
}

/** Plans the reset and, with `execute`, commits it; refuses while the group has members. */
export async function resetOffsets(admin: KafkaAdmin, opts: ResetOffsetsOptions): Promise<ResetResult> {
  const group = await admin.describeGroup(opts.group);
  if (isActive(group.state)) {
    const n = group.members.length;
    throw new UsageError(`group '${opts.group}' has ${n} active member${n === 1 ? '' : 's'} (state ${group.state}); offsets can only be reset while it has none`, {
      hint: `stop its consumers first; see \`kstream groups describe ${opts.group}\``,
    });
  }
  const committed = await admin.committedOffsets(opts.group);
  if (!opts.topics && committed.size === 0) {
    if (group.state === 'Dead') throw groupNotFound(opts.group);
    throw new UsageError(`group '${opts.group}' has no committed offsets`, { hint: 'name the topics with --topic' });
  }
  const selections = opts.topics ?? [...committed.keys()].sort().map((topic) => ({ topic }));
  await requireTopics(admin, selections.map((s) => s.topic));
  const states: PartitionState[] = [];
  for (const s of selections) states.push(...(await partitionStates(admin, s, committed, opts.mode)));
  const plan = planReset(states, opts.mode);
  if (opts.execute) await commit(admin, opts.group, plan);
  return { ...plan, newGroup: group.state === 'Dead' && committed.size === 0 };
}

async function partitionStates(admin: KafkaAdmin, s: TopicSelection, committed: Committed, mode: ResetMode): Promise<PartitionState[]> {
  const marks = await watermarks(admin, s.topic);
  const all = [...marks.keys()].sort((a, b) => a - b);
  const missing = s.partitions?.find((p) => !marks.has(p));
  if (missing !== undefined) {
    throw new UsageError(`topic '${s.topic}' has no partition ${missing}`, { hint: `it has partitions 0 to ${all.length - 1}` });
  }
  const atTime = mode.kind === 'datetime'
    ? await admin.offsetsByTime(s.topic, mode.timestamp)
    : undefined;
  return (s.partitions ?? all).map((partition) => ({
    topic: s.topic,
    partition,
    current: committed.get(s.topic)?.get(partition) ?? null,
    low: marks.get(partition)!.low,
    high: marks.get(partition)!.high,
    atTimestamp: atTime?.get(partition),
  }));
}

async function commit(admin: KafkaAdmin, groupId: string, plan: ResetPlan): Promise<void> {
  await admin.commitOffsets(groupId, plan.offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.next })));
}

export function planView(group: string, execute: boolean, plan: ResetPlan): View {
  return {
    head: ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'],
    rows: plan.offsets.map((o) => [o.topic, o.partition, o.current, o.next]),
    json: { group, executed: execute, offsets: plan.offsets.map(({ topic, partition, current, next }) => ({ topic, partition, current, new: next })) },
  };
}

export const resetOffsetsCommand: CommandFactory = (ctx) => ({
  command: 'reset-offsets <group>',
  describe: 'Move a group\'s committed offsets (dry run unless --execute)',
  builder: (y) =>
    y
      .positional('group', { type: 'string', describe: 'Group id' })
      .options({
        topic: { alias: 't', type: 'string', array: true, describe: 'Topic, or TOPIC:P,P… for some partitions (repeatable)', requiresArg: true },
        'all-topics': { type: 'boolean', default: false, describe: 'Every topic the group has committed offsets for' },
        'to-earliest': { type: 'boolean', describe: 'To the first offset still in the log' },
        'to-latest': { type: 'boolean', describe: 'To the log end (skip everything)' },
        'to-offset': { type: 'string', describe: 'To offset N in each partition', requiresArg: true },
        'to-datetime': { type: 'string', describe: 'To the first record at or after a time: ISO date-time, epoch ms, or -1h / -30m / -2d ago', requiresArg: true },
        'by-duration': { type: 'string', describe: 'To the first record of an ISO-8601 duration ago: PT1H, P1DT12H', requiresArg: true },
        'shift-by': { type: 'string', describe: 'Move by ±N from the committed offset', requiresArg: true },
        'to-current': { type: 'boolean', describe: 'To the committed offset as it is (the log end where there is none); with --export, a backup' },
        'from-file': { type: 'string', describe: "To the offsets of a CSV file: topic,partition,offset per line (Kafka's --export)", requiresArg: true },
        'from-group': { type: 'string', describe: "To another group's committed offsets (copy a group)", requiresArg: true },
        export: { type: 'boolean', default: false, describe: "Print the plan as Kafka's CSV (topic,partition,offset), the input of --from-file" },
        'dry-run': { type: 'boolean', default: false, describe: 'Only print the plan (the default without --execute)' },
        execute: { type: 'boolean', default: false, describe: 'Commit the new offsets (otherwise only print the plan)' },
        ...outputOption,
      })
      .example('$0 groups reset-offsets billing --topic orders --to-earliest', 'Show the plan only')
      .example('$0 groups reset-offsets billing --topic orders:0,1 --shift-by -10 --execute', 'Re-read the last 10 records of two partitions')
      .example('$0 groups reset-offsets billing --all-topics --to-datetime 2024-05-01T00:00:00Z --execute', 'Back to a point in time')
      .example('$0 groups reset-offsets billing --topic orders --to-datetime -1h --execute', 'Back to the first record of the last hour')
      .example('$0 groups reset-offsets billing --all-topics --to-current --export > backup.csv', 'Save the offsets; restore with --from-file backup.csv --execute'),
  handler: async (argv) => {
    const specs = (argv.topic as string[] | undefined) ?? [];
    const group = argv.group as string;
    const fromFile = argv.fromFile === undefined ? undefined : { name: String(argv.fromFile), text: readCsv(String(argv.fromFile)), group };
    if (argv.dryRun && argv.execute) throw new UsageError('pass either --dry-run or --execute, not both');
    // --from-file and --from-group name their topics themselves.
    const given = fromFile !== undefined || argv.fromGroup !== undefined;
    if (specs.length === 0 && !argv.allTopics && !given) throw new UsageError('name the topics to reset', { hint: 'pass --topic T[:P,P…] or --all-topics' });
    if (specs.length > 0 && argv.allTopics) throw new UsageError('pass either --topic or --all-topics, not both');
    // Bad topic specs fail before connecting.
    const selected = specs.length ? mergeSelections(specs.map(parseTopicSpec)) : undefined;
    const result = await withAdmin(connectionFrom(ctx, argv), ctx.io, async (admin) => {
      const fromGroup = argv.fromGroup === undefined ? undefined : { name: String(argv.fromGroup), offsets: await admin.committedOffsets(String(argv.fromGroup)) };
      if (fromGroup && fromGroup.offsets.size === 0) throw new UsageError(`group '${fromGroup.name}' has no committed offsets to copy`);
      const mode = parseResetMode({
        toEarliest: argv.toEarliest, toLatest: argv.toLatest, toOffset: argv.toOffset, toDatetime: argv.toDatetime, byDuration: argv.byDuration,
        shiftBy: argv.shiftBy, toCurrent: argv.toCurrent, fromFile, fromGroup,
      });
      const topics = selected
        ?? (mode.kind === 'given' && !argv.allTopics ? [...mode.offsets.keys()].sort().map((topic) => ({ topic })) : undefined);
      const opts: ResetOffsetsOptions = { group, topics, mode, execute: argv.execute as boolean };
      return { opts, result: await resetOffsets(admin, opts) };
    });
    if (argv.export) printCsv(ctx, result.opts, result.result);
    else printResult(ctx, result.opts, result.result, argv.output as OutputFormat | undefined);
  },
});

function readCsv(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --from-file ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** --export: the CSV on stdout, what was done on stderr. */
function printCsv(ctx: Context, opts: ResetOffsetsOptions, result: ResetResult): void {
  for (const line of result.warnings) ctx.warn(line);
  ctx.io.stdout.write(offsetsCsv(result));
  ctx.info(opts.execute ? `offsets reset for group ${opts.group}` : `dry run: nothing committed; add --execute to reset the offsets of group ${opts.group}`);
}

function printResult(ctx: Context, opts: ResetOffsetsOptions, result: ResetResult, flag: OutputFormat | undefined): void {
  for (const line of result.warnings) ctx.warn(line);
  const view = planView(opts.group, opts.execute, result);
  const format = resolveFormat(flag, ctx.io.stdout);
  if (!opts.execute) {
    ctx.io.stdout.write(render(view, format));
    if (format === 'json') return;
    if (result.newGroup) ctx.info(`group ${opts.group} does not exist yet; --execute creates it with these offsets`);
    ctx.info(`dry run: nothing committed; add --execute to reset the offsets of group ${opts.group}`);
    return;
  }
  // Done: the plan is a receipt for eyes, unless JSON was asked for.
  if (format === 'json') ctx.io.stdout.write(render(view, format));
  else ctx.io.stderr.write(render(view, resolveFormat(flag, ctx.io.stderr)));
  if (result.offsets.length === 0) ctx.info(`nothing to reset for group ${opts.group}`);
  else ctx.info(`offsets reset for group ${opts.group}${result.newGroup ? ' (a new group)' : ''}`);
}
