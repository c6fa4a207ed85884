import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { ExitCode, UsageError } from '../../errors.js';
import { kafkaCode } from '../../kafka/errors.js';
import { outputOption, type OutputFormat } from '../../output.js';
import { ask } from '../../prompt.js';
import { reportItems, type ItemStatus } from '../../report.js';
import type { Context } from '../../context.js';
import { validateTopicName } from '../../kafka/topic.js';
import { parseInteger, parseKeyValues } from '../../util/kv.js';

export interface CreateTopicsOptions {
  topics: string[];
  partitions?: number;
  replicationFactor?: number;
  configs: Array<[string, string]>;
  ifNotExists: boolean;
}

/** Creates each topic in turn so that every one gets its own status. */
export async function createTopics(admin: KafkaAdmin, opts: CreateTopicsOptions, timeoutMs = 30_000): Promise<ItemStatus[]> {
  const results: ItemStatus[] = [];
  for (const topic of opts.topics) results.push(await createOne(admin, topic, opts, timeoutMs));
  return results;
}

async function createOne(admin: KafkaAdmin, topic: string, opts: CreateTopicsOptions, timeoutMs: number): Promise<ItemStatus> {
  try {
    const spec = { name: topic, partitions: opts.partitions, replicationFactor: opts.replicationFactor, configs: opts.configs };
    if (await admin.createTopic(spec, timeoutMs)) return { name: topic, ok: true, message: 'created' };
    return opts.ifNotExists
      ? { name: topic, ok: true, message: 'already exists' }
      : { name: topic, ok: false, message: 'already exists (pass --if-not-exists to accept that)', exitCode: ExitCode.USAGE };
  } catch (err) {
    if (kafkaCode(err) === 'INVALID_REPLICATION_FACTOR') {
      const { brokers } = await admin.describeCluster();
      const message = `replication factor ${opts.replicationFactor} is more than the ${brokers.length} broker(s) of this cluster`;
      return { name: topic, ok: false, message, exitCode: ExitCode.USAGE };
    }
    return { name: topic, ok: false, message: (err as Error).message, exitCode: ExitCode.KAFKA };
  }
}

export const createCommand: CommandFactory = (ctx) => ({
  command: 'create [topics..]',
  describe: 'Create one or more topics',
  builder: (y) =>
    y
      .positional('topics', { type: 'string', array: true, describe: 'Topic names' })
      .options({
        partitions: { alias: 'p', type: 'string', describe: 'Number of partitions (default: the broker\'s num.partitions)', requiresArg: true },
        'replication-factor': { alias: 'r', type: 'string', describe: 'Copies of each partition (default: the broker\'s default)', requiresArg: true },
        config: { alias: 'c', type: 'string', array: true, describe: 'Topic config key=value (repeatable)', requiresArg: true },
        'if-not-exists': { type: 'boolean', default: false, describe: 'Succeed if the topic already exists' },
        yes: { alias: 'y', type: 'boolean', default: false, describe: 'Never ask questions (same as --no-input)' },
        input: { type: 'boolean', default: true, describe: 'Ask for a missing name on a terminal (--no-input: never)' },
        ...outputOption,
      })
      .example('$0 topics create orders --partitions 3', 'Three partitions, default replication')
      .example('$0 topics create logs -c retention.ms=86400000 -c cleanup.policy=delete', 'With topic configs')
      .example('$0 topics create', 'On a terminal: asks for the name, partitions and replication'),
  handler: async (argv) => {
    const given = (argv.topics as string[] | undefined) ?? [];
    const mayAsk = given.length === 0 && ctx.interactive && !argv.yes && argv.input;
    const answers = mayAsk ? await askTopic(ctx, argv as { partitions?: string; replicationFactor?: string }) : {};
    const opts: CreateTopicsOptions = {
      topics: (answers.name ? [answers.name] : given).map(validateTopicName),
      partitions: optionalInteger(answers.partitions ?? argv.partitions, '--partitions'),
      replicationFactor: optionalInteger(answers.replicationFactor ?? argv.replicationFactor, '--replication-factor'),
      configs: parseKeyValues(argv.config, '--config'),
      ifNotExists: argv.ifNotExists,
    };
    if (opts.topics.length === 0) {
      throw new UsageError('name at least one topic to create', { hint: 'pass a name, e.g. `kstream topics create orders --partitions 3`; on a terminal, without a name, it asks' });
    }
    const conn = connectionFrom(ctx, argv);
    const results = await withAdmin(conn, ctx.io, (admin) => createTopics(admin, opts, Math.max(conn.timeoutMs, 30_000)));
    reportItems(ctx, 'topic', results, argv.output as OutputFormat | undefined);
  },
});

const optionalInteger = (value: unknown, flag: string) => (value === undefined ? undefined : parseInteger(value, flag, 1));

const checked = (check: (answer: string) => unknown) => (answer: string): true | string => {
  try {
    check(answer);
    return true;
  } catch (err) {
    return (err as Error).message;
  }
};

/** Asks for what the flags did not say; flags given still count, and are not asked again. */
async function askTopic(ctx: Context, argv: { partitions?: string; replicationFactor?: string }): Promise<Record<string, string>> {
  return ask(ctx, [
    { name: 'name', message: 'Topic name:', validate: checked(validateTopicName) },
    ...(argv.partitions === undefined ? [{ name: 'partitions', message: 'Partitions:', default: '1', validate: checked((a: string) => parseInteger(a, 'partitions', 1)) }] : []),
    ...(argv.replicationFactor === undefined ? [{ name: 'replicationFactor', message: 'Replication factor:', default: '1', validate: checked((a: string) => parseInteger(a, 'replication factor', 1)) }] : []),
  ]);
}
