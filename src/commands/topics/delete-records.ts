import { readFileSync } from 'node:fs';
import type { KafkaAdmin } from '../../kafka/admin/index.js';
import { withAdminSession } from '../../kafka/admin/session.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { ExitCode, KstreamError, UsageError } from '../../errors.js';
import { outputOption, type OutputFormat } from '../../output.js';
import { confirm } from '../../prompt.js';
import { reportItems } from '../../report.js';
import { requireTopics, validateTopicName } from '../../kafka/topic.js';
import { parseInteger } from '../../util/kv.js';
import { parseTimestamp } from '../../util/time.js';
import { deleteRecords, type DeleteResult, type DeleteTarget } from '../../kafka/admin/delete-records.js';

/** --before: an offset, `end` (every record), or @TIME (records older than it). */
export type Before = { offset: number } | { end: true } | { time: number };

export function parseBefore(text: string): Before {
  const t = text.trim();
  if (t === 'end') return { end: true };
  if (t.startsWith('@')) {
    const time = parseTimestamp(t.slice(1));
    if (time === undefined) throw new UsageError(`--before ${t}: '${t.slice(1)}' is not a time`, { hint: 'use @EPOCH_MS or @2024-05-01T12:00:00Z' });
    return { time };
  }
  return { offset: parseInteger(t, '--before', 0) };
}

/** Kafka's offset JSON: {"partitions":[{"topic":"t","partition":0,"offset":10}],"version":1}. */
export function parseOffsetsJson(text: string, file: string): DeleteTarget[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`, { hint: 'see kafka-delete-records.sh --help for its format' });
  }
  const partitions = (doc as { partitions?: unknown })?.partitions;
  if (!Array.isArray(partitions) || partitions.length === 0) {
    throw new UsageError(`${file} has no "partitions" list`, { hint: '{"partitions":[{"topic":"t","partition":0,"offset":10}],"version":1}' });
  }
  return partitions.map((p: { topic?: unknown; partition?: unknown; offset?: unknown }, i) => {
    if (typeof p?.topic !== 'string' || !Number.isInteger(p.partition) || !Number.isInteger(Number(p.offset)) || Number(p.offset) < -1) {
      throw new UsageError(`${file}: partitions[${i}] needs a "topic", a "partition" and an "offset" (-1 for all records)`);
    }
    return { topic: validateTopicName(p.topic), partition: p.partition as number, offset: Number(p.offset) };
  });
}

/** The offset to delete before in each partition of `topic`. */
export async function targetsFor(admin: KafkaAdmin, topic: string, before: Before, only: number[]): Promise<DeleteTarget[]> {
  await requireTopics(admin, [topic]);
  const byTime = 'time' in before ? await admin.offsetsByTime(topic, before.time) : undefined;
  const all = (await admin.watermarks(topic)).map((o) => o.partition);
  const missing = only.find((p) => !all.includes(p));
  if (missing !== undefined) throw new UsageError(`topic '${topic}' has no partition ${missing}`, { hint: `it has partitions 0 to ${all.length - 1}` });
  const chosen = only.length ? only : all;
  return chosen.map((partition) => {
    const offset = 'offset' in before ? before.offset : 'end' in before ? -1 : byTime!.get(partition)!;
    return { topic, partition, offset };
  });
}

function status(r: DeleteResult) {
  const name = `${r.topic}[${r.partition}]`;
  if (r.error === undefined) return { name, ok: true, message: `records before ${r.lowWatermark} deleted; low watermark ${r.lowWatermark}` };
  const exitCode = r.error === 'OFFSET_OUT_OF_RANGE' ? ExitCode.USAGE : ExitCode.KAFKA;
  const message = r.error === 'OFFSET_OUT_OF_RANGE' ? `offset ${r.offset} is past the end of the partition (OFFSET_OUT_OF_RANGE)` : r.error;
  return { name, ok: false, message, exitCode };
}

export const deleteRecordsCommand: CommandFactory = (ctx) => ({
  command: 'delete-records [topic]',
  describe: 'Delete the records of partitions before an offset or a time (kafka-delete-records.sh)',
  builder: (y) =>
    y
      .positional('topic', { type: 'string', describe: 'Topic name (or give --offsets-json)' })
      .options({
        before: { type: 'string', describe: 'Delete records before OFFSET, before @TIME, or `end` for all of them', requiresArg: true },
        partition: { alias: 'p', type: 'string', array: true, describe: 'Only these partitions (repeatable; default: all)', requiresArg: true },
        'offsets-json': { alias: 'offset-json-file', type: 'string', describe: "A file in kafka-delete-records.sh's JSON format", requiresArg: true },
        yes: { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation' },
        ...outputOption,
      })
      .example('$0 topics delete-records orders --before 1000 --yes', 'Records before offset 1000 in every partition')
      .example('$0 topics delete-records orders -p 0 --before @2024-05-01T00:00:00Z', 'Records of partition 0 older than a time')
      .example('$0 topics delete-records orders --before end', 'Every record, keeping the topic')
      .example('$0 topics delete-records --offsets-json offsets.json', "Kafka's JSON: {\"partitions\":[{\"topic\":\"orders\",\"partition\":0,\"offset\":10}],\"version\":1}"),
  handler: async (argv) => {
    const file = argv.offsetsJson as string | undefined;
    const topic = argv.topic === undefined ? undefined : validateTopicName(argv.topic as string);
    if (file && (topic || argv.before !== undefined || argv.partition)) throw new UsageError('--offsets-json takes no topic, --before or --partition', { hint: 'the file names them' });
    if (!file && (!topic || argv.before === undefined)) throw new UsageError('name a topic and --before OFFSET|@TIME|end, or pass --offsets-json FILE', { hint: 'e.g. kstream topics delete-records orders --before 100' });
    const fileTargets = file ? parseOffsetsJson(readText(file), file) : undefined;
    const before = argv.before === undefined ? undefined : parseBefore(argv.before as string);
    const only = ((argv.partition as string[] | undefined) ?? []).map((p) => parseInteger(p, '--partition', 0));
    const what = fileTargets ? `records of ${fileTargets.length} partition(s) listed in ${file}` : `records of '${topic}' before ${argv.before}`;
    if (!argv.yes && !(await confirm(ctx, `Delete ${what}?`))) throw new KstreamError('nothing deleted', { exitCode: ExitCode.USAGE });
    const results = await withAdminSession(connectionFrom(ctx, argv), ctx.io, async (s) => {
      if (fileTargets) await requireTopics(s.admin, [...new Set(fileTargets.map((t) => t.topic))]);
      return deleteRecords(s, fileTargets ?? (await targetsFor(s.admin, topic!, before!, only)));
    });
    reportItems(ctx, 'partition', results.map(status), argv.output as OutputFormat | undefined);
  },
});

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
