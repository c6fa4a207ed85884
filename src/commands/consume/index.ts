import type { Options } from 'yargs';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { typedArgv, type ArgsOf } from '../args.js';
import type { Context } from '../../context.js';
import { createKafka } from '../../kafka/connection.js';
import { withAdmin } from '../../kafka/admin/index.js';
import { UsageError, type KstreamError } from '../../errors.js';
import { watchSignals } from '../../signals.js';
import { parseInteger, parseKeyValues } from '../../util/kv.js';
import { applyProperties, DEFAULT_PRINT_FLAGS, kcatJsonFormat, type ConsumedRecord, type PrintFlags } from './format.js';
import { guarded } from './guards.js';
import type { ConsumeResult } from './loop.js';
import { parseOffsetSpec, parseUntilSpec, type OffsetSpec, type UntilSpec } from './offsets.js';
import { formatSpec, recordFormatter, type OutputSpec } from './render.js';
import { parseHeaderGrep, parseRegex, RecordSelector, selects, type SelectOptions } from './select.js';
import { topicSelection, type TopicSelection } from './topics.js';
import { DECODE_OPTIONS, decoderFor, withDecoding } from '../../serde/consume-options.js';
import { openRegistry, registryOptions } from '../../serde/connect.js';

export const options = {
  'from-beginning': { type: 'boolean', default: false, describe: 'Read every record still stored (same as --offset earliest)' },
  offset: { type: 'string', requiresArg: true, describe: 'Start at earliest, latest, N, -N (last N of each partition) or @TIME (epoch ms, ISO-8601, or ago: @-1h, @-30m, @-2d)' },
  until: { type: 'string', requiresArg: true, describe: 'Stop each partition before offset N, before its first record at or after @TIME (kcat -o e@TS), or at end (its end at the start); implies --exit' },
  include: { type: 'string', requiresArg: true, describe: 'Also read every topic whose whole name matches this regular expression, including topics created while consume runs' },
  key: { type: 'string', requiresArg: true, describe: 'Print only records with this key, reading only the partition the key hashes to (murmur2); starts at the beginning unless --offset says otherwise' },
  'all-partitions': { type: 'boolean', default: false, describe: 'With --key: read every partition (a topic written with a custom partitioner)' },
  filter: { type: 'string', array: true, requiresArg: true, describe: "Print only records for which this JavaScript expression over r is true, as in pipelines: 'r.json?.level === \"error\"' (repeatable: all must hold)" },
  grep: { type: 'string', requiresArg: true, describe: 'Print only records whose value (as UTF-8 text) matches this regular expression; /re/i for flags' },
  'grep-key': { type: 'string', requiresArg: true, describe: 'Print only records whose key matches this regular expression' },
  'grep-header': { type: 'string', array: true, requiresArg: true, describe: 'NAME=REGEX: print only records with a header NAME whose value matches (repeatable: all must hold)' },
  partition: { type: 'string', array: true, requiresArg: true, describe: 'Read only this partition (repeatable)' },
  'max-messages': { alias: 'n', type: 'string', requiresArg: true, describe: 'Stop after printing N records (records a filter leaves out do not count)' },
  exit: { alias: 'e', type: 'boolean', default: false, describe: 'Stop at the end of every partition as it was at the start' },
  'timeout-ms': { type: 'string', requiresArg: true, describe: 'Stop after this many ms without a record' },
  group: { alias: 'g', type: 'string', requiresArg: true, describe: 'Consume in this consumer group and commit what was printed' },
  'print-topic': { type: 'boolean', describe: 'Print the topic first; on by default when reading several topics or --include' },
  'print-key': { type: 'boolean', default: false, describe: 'Print the key before the value' },
  'print-partition': { type: 'boolean', default: false, describe: 'Print Partition:N' },
  'print-offset': { type: 'boolean', default: false, describe: 'Print Offset:N' },
  'print-timestamp': { type: 'boolean', default: false, describe: 'Print CreateTime:MS' },
  'print-headers': { type: 'boolean', default: false, describe: 'Print headers as k:v,k2:v2' },
  'key-separator': { type: 'string', default: '\t', defaultDescription: 'tab', requiresArg: true, describe: 'Between printed fields' },
  property: { type: 'string', array: true, requiresArg: true, describe: 'Kafka console-consumer style: print.key=true, key.separator=:, …' },
  format: { type: 'string', requiresArg: true, describe: 'kcat format: %s value %k key %t topic %p partition %o offset %T timestamp %h headers %S %K lengths %i %I schema ids' },
  output: { alias: 'o', choices: ['plain', 'json'] as const, default: 'plain' as const, requiresArg: true, describe: 'plain (records as text) or json: one envelope per line, what produce --input json reads; consume has no table' },
  'value-encoding': { choices: ['utf8', 'base64', 'hex'] as const, default: 'utf8' as const, describe: 'How to show keys and values (utf8 falls back to base64 in JSON)' },
  'isolation-level': { choices: ['read_committed', 'read_uncommitted'] as const, default: 'read_committed' as const, describe: 'read_uncommitted also shows open and aborted transactions' },
  'kcat-json': { alias: 'J', type: 'boolean', default: false, describe: "kcat -J's JSON: topic, partition, offset, tstype, ts, broker, headers, key, payload" },
  'skip-message-on-error': { type: 'boolean', default: false, describe: 'A record a --property *.deserializer cannot decode is skipped with a warning, not the end of the run' },
  quiet: { alias: 'q', type: 'boolean', default: false, describe: 'No summary on stderr' },
  ...DECODE_OPTIONS,
  ...registryOptions,
} satisfies Record<string, Options>;

/** The argv of consume: its option table's flags, camel-cased, and the topics. */
export type ConsumeArgs = ArgsOf<typeof options> & { topics?: string[] };

function startSpec(a: ConsumeArgs, now: number): OffsetSpec | undefined {
  if (a.fromBeginning && a.offset !== undefined) throw new UsageError('pass either --from-beginning or --offset, not both');
  if (a.fromBeginning) return { kind: 'earliest' };
  if (a.offset !== undefined) return parseOffsetSpec(a.offset, now);
  // A search by key looks through what is stored, unless told where to start.
  return a.key !== undefined ? { kind: 'earliest' } : undefined;
}

/** Several topics, or --include: each record then says which topic it came from. */
function manyTopics(a: ConsumeArgs): boolean {
  return (a.topics?.length ?? 0) > 1 || a.include !== undefined;
}

/** What to print, checked; compiled for the group path by recordFormatter, for the fetch path by renderer. */
export function outputSpecFrom(a: ConsumeArgs): OutputSpec {
  const flags = applyProperties(
    { ...DEFAULT_PRINT_FLAGS, topic: a.printTopic ?? manyTopics(a), key: a.printKey, partition: a.printPartition, offset: a.printOffset, timestamp: a.printTimestamp, headers: a.printHeaders, separator: a.keySeparator },
    parseKeyValues(a.property, '--property'),
  );
  const printing = flags.key || flags.partition || flags.offset || flags.timestamp || flags.headers || a.printTopic === true;
  if (a.output === 'json' || a.kcatJson) {
    const what = a.kcatJson ? '-J' : '--output json';
    if (a.format !== undefined || printing) throw new UsageError(`${what} prints whole records; drop --format and --print-* options`);
    if (a.kcatJson && a.output === 'json') throw new UsageError('pass either -J (kcat\'s JSON) or --output json (kstream\'s envelopes), not both');
    return a.kcatJson ? { kind: 'records', formatter: kcatJsonFormat() } : { kind: 'json', encoding: a.valueEncoding };
  }
  if (a.format !== undefined) {
    if (printing) throw new UsageError('--format already says what to print; drop the --print-* options', { hint: 'print the topic with %t' });
    return formatSpec(a.format, a.valueEncoding);
  }
  if (renderedDirectly(flags)) return { kind: 'flags', flags, encoding: a.valueEncoding };
  return { kind: 'records', formatter: recordFormatter({ kind: 'flags', flags, encoding: a.valueEncoding }) };
}

/**
 * The print.* layouts the fetch path writes straight from the batch: the default separators, no
 * deserializer. The others (Kafka's deserializers, print.value=false, other separators) are
 * formatted from a record object, as on the group path.
 */
function renderedDirectly(f: PrintFlags): boolean {
  const d = DEFAULT_PRINT_FLAGS;
  return f.value && f.lineSeparator === d.lineSeparator && f.headersSeparator === d.headersSeparator && f.nullLiteral === d.nullLiteral
    && !f.keyDeserializer && !f.valueDeserializer && !f.headersDeserializer;
}

/** Everything consume reads from its flags, checked before anything connects. */
export interface ConsumeSettings {
  selection: TopicSelection;
  partitions?: number[];
  offset?: OffsetSpec;
  until?: UntilSpec;
  maxMessages?: number;
  exitAtEnd: boolean;
  timeoutMs?: number;
  group?: string;
  readUncommitted: boolean;
  key?: Buffer;
  allPartitions: boolean;
  select: SelectOptions;
  output: OutputSpec;
}

export function consumeSettingsFrom(a: ConsumeArgs, now = Date.now()): ConsumeSettings {
  if (a.group !== undefined && a.partition) {
    throw new UsageError('--partition cannot be combined with --group', { hint: 'a group assigns partitions to its members itself' });
  }
  if (a.group !== undefined && a.key !== undefined) {
    throw new UsageError('--key cannot be combined with --group', { hint: 'a group assigns partitions itself; to find a key, drop --group (nothing is committed), or use --grep-key' });
  }
  if (a.allPartitions && a.key === undefined) throw new UsageError('--all-partitions goes with --key', { hint: 'without --key every partition is read already' });
  const key = a.key === undefined ? undefined : Buffer.from(a.key, 'utf8');
  return {
    selection: topicSelection(a.topics ?? [], a.include),
    partitions: a.partition?.map((p) => parseInteger(p, '--partition', 0)),
    offset: startSpec(a, now),
    until: a.until === undefined ? undefined : parseUntilSpec(a.until, now),
    maxMessages: a.maxMessages === undefined ? undefined : parseInteger(a.maxMessages, '--max-messages', 1),
    exitAtEnd: a.exit || a.until !== undefined,
    timeoutMs: a.timeoutMs === undefined ? undefined : parseInteger(a.timeoutMs, '--timeout-ms', 1),
    group: a.group,
    readUncommitted: a.isolationLevel === 'read_uncommitted',
    key,
    allPartitions: a.allPartitions,
    select: {
      key,
      grep: a.grep === undefined ? undefined : parseRegex(a.grep, '--grep'),
      grepKey: a.grepKey === undefined ? undefined : parseRegex(a.grepKey, '--grep-key'),
      grepHeaders: (a.grepHeader ?? []).map(parseHeaderGrep),
      filters: a.filter ?? [],
    },
    output: outputSpecFrom(a),
  };
}

function summary(r: ConsumeResult): string {
  const rate = r.seconds > 0 ? Math.round(r.records / r.seconds) : r.records;
  return `${r.records} record${r.records === 1 ? '' : 's'} in ${r.seconds.toFixed(1)} s (${rate} records/s)`;
}

async function runConsume(ctx: Context, argv: ConsumeArgs & object): Promise<void> {
  const settings = consumeSettingsFrom(argv);
  const conn = connectionFrom(ctx, argv);
  const registry = openRegistry(ctx, argv);
  const decoder = decoderFor(ctx, argv, registry?.api, registry?.isNotFound ?? (() => false));
  const interruption = watchSignals(ctx);
  const selector = selects(settings.select) ? new RecordSelector(settings.select, interruption.signal) : undefined;
  try {
    const kafka = await createKafka(conn, ctx.io);
    const out = ctx.io.stdout;
    // A record that cannot be decoded stops the run as a signal would, then fails it.
    let failure: KstreamError | undefined;
    const stop = new AbortController();
    const fail = (err: KstreamError) => {
      failure ??= err;
      stop.abort();
    };
    const signal = AbortSignal.any([interruption.signal, stop.signal]);
    let output = settings.output;
    // Decoding by schema and the deserializers' errors need each record as an object: format it from one.
    if (output.kind === 'records' || decoder) {
      const format = withDecoding(decoder, recordFormatter(output));
      output = { kind: 'records', formatter: guarded(format, argv.skipMessageOnError, ctx.warn, fail), decoder };
    }
    const prepare = decoder && ((records: ConsumedRecord[]) => decoder.prepare(records));
    const opts = { ...settings, selector, output, prepare };
    // Without a group, kstream's own fetch loop reads the partitions directly (direct.ts); a group needs the Kafka layer's group consumer.
    // Each path's module is imported only when taken.
    const result = await withAdmin(conn, ctx.io, async (admin) =>
      opts.group === undefined
        ? (await import('./direct.js')).consumeDirect({ kafka, admin, out, signal, note: ctx.info, requestTimeoutMs: conn.timeoutMs }, opts)
        : (await import('./loop.js')).consume({ kafka, admin, out, signal, note: ctx.info }, { ...opts, group: opts.group, formatter: recordFormatter(output) }));
    if (failure) throw failure;
    // A reader that went away (`| head`) is a normal end: no summary, exit 0.
    if (!argv.quiet && result.reason !== 'closed') ctx.info(summary(result));
    interruption.endIfInterrupted();
  } finally {
    await selector?.close();
    interruption.dispose();
  }
}

export const consumeCommand: CommandFactory = (ctx) => ({
  command: 'consume [topics..]',
  describe: 'Print records of topics: new ones, all, a window, by key, or those a filter keeps',
  builder: (y) =>
    y
      .positional('topics', { type: 'string', array: true, describe: 'Topic names (or --include REGEX)' })
      .options(options)
      .example('$0 consume orders', 'Print new records as they arrive')
      .example('$0 consume orders --from-beginning -e', 'Print every record, then stop')
      .example('$0 consume orders --offset -10 -e', 'The last 10 records of each partition')
      .example("$0 consume orders -e --format '%k %o %s\\n'", 'kcat-style format')
      .example('$0 consume orders --offset @2026-01-31', 'From the first record of that day (UTC)')
      .example('$0 consume orders --offset @-1h --until @-30m', 'From an hour ago until half an hour ago')
      .example('$0 consume orders --offset 100 --until 200 --partition 0', 'Offsets 100 to 199 of partition 0')
      .example('$0 consume orders payments --from-beginning -e', 'Two topics; each line starts with its topic')
      .example("$0 consume --include 'orders-.*'", 'Every orders-… topic, and those created while it runs')
      .example('$0 consume orders --key user-42 -e', 'Records with key user-42, from the one partition it hashes to')
      .example("$0 consume logs --filter 'r.json?.level === \"error\"' -n 10", 'The first 10 error records')
      .example("$0 consume logs --grep '/timeout/i' --grep-header source=billing -e", 'Values matching a regex, with a header matching another')
      .example('$0 consume orders -e --output json', 'JSON envelopes, one per line')
      .example('$0 consume orders -g billing --print-key', 'In a group, committing what was printed')
      .example('$0 consume --topic orders --from-beginning --property print.key=true', 'As kafka-console-consumer.sh writes it')
      .example('$0 consume -t orders -o s@1700000000000 -o e@1700003600000 -J', 'kcat habits: one hour of records, kcat JSON')
      .example('$0 consume orders -e --schema-registry http://127.0.0.1:8081 -o json', 'Avro/Protobuf/JSON Schema values decoded, with valueSchemaId')
      .example("$0 consume orders -e --value-format avro --format '%i %s\\n'", 'The schema id of each value, then the value as JSON'),
  handler: (argv) => runConsume(ctx, typedArgv<ConsumeArgs>(argv)),
});
