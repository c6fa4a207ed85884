import type { Admin, ITopicConfig } from '../../kafkajs.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { withAdmin } from '../../connection.js';
import { ExitCode, UsageError } from '../../errors.js';
import { fromKafkaError } from '../../kafka-errors.js';
import { outputOption, type OutputFormat } from '../../output.js';
import { reportItems, type ItemStatus } from '../../report.js';
import { validateTopicName, waitForLeaders } from '../../topic.js';
import { parseInteger, parseKeyValues } from '../../util/kv.js';

export interface CreateTopicsOptions {
  topics: string[];
  partitions?: number;
  replicationFactor?: number;
  configs: Array<[string, string]>;
  ifNotExists: boolean;
}

/** Creates each topic in turn so that every one gets its own status. */
export async function createTopics(admin: Admin, opts: CreateTopicsOptions, timeoutMs = 30_000): Promise<ItemStatus[]> {
  const results: ItemStatus[] = [];
  for (const topic of opts.topics) results.push(await createOne(admin, topic, opts, timeoutMs));
  return results;
}

async function createOne(admin: Admin, topic: string, opts: CreateTopicsOptions, timeoutMs: number): Promise<ItemStatus> {
  const spec: ITopicConfig = {
    topic,
    numPartitions: opts.partitions,
    replicationFactor: opts.replicationFactor,
    configEntries: opts.configs.map(([name, value]) => ({ name, value })),
  };
  try {
    const created = await admin.createTopics({ topics: [spec] });
    if (created) {
      await waitForLeaders(admin, topic, timeoutMs);
      return { name: topic, ok: true, message: 'created' };
    }
    return opts.ifNotExists
      ? { name: topic, ok: true, message: 'already exists' }
      : { name: topic, ok: false, message: 'already exists (pass --if-not-exists to accept that)', exitCode: ExitCode.USAGE };
  } catch (err) {
    const inner = (err as { errors?: unknown[] }).errors?.[0] ?? err;
    if ((inner as { type?: string }).type === 'INVALID_REPLICATION_FACTOR') {
      const { brokers } = await admin.describeCluster();
      const message = `replication factor ${opts.replicationFactor} is more than the ${brokers.length} broker(s) of this cluster`;
      return { name: topic, ok: false, message, exitCode: ExitCode.USAGE };
    }
    return { name: topic, ok: false, message: fromKafkaError(inner).message, exitCode: ExitCode.KAFKA };
  }
}

export const createCommand: CommandFactory = (ctx) => ({
  command: 'create <topics..>',
  describe: 'Create one or more topics',
  builder: (y) =>
    y
      .positional('topics', { type: 'string', array: true, describe: 'Topic names' })
      .options({
        partitions: { alias: 'p', type: 'string', describe: 'Number of partitions (default: the broker\'s num.partitions)', requiresArg: true },
        'replication-factor': { alias: 'r', type: 'string', describe: 'Copies of each partition (default: the broker\'s default)', requiresArg: true },
        config: { alias: 'c', type: 'string', array: true, describe: 'Topic config key=value (repeatable)', requiresArg: true },
        'if-not-exists': { type: 'boolean', default: false, describe: 'Succeed if the topic already exists' },
        ...outputOption,
      })
      .example('$0 topics create orders --partitions 3', 'Three partitions, default replication')
      .example('$0 topics create logs -c retention.ms=86400000 -c cleanup.policy=delete', 'With topic configs'),
  handler: async (argv) => {
    const opts: CreateTopicsOptions = {
      topics: (argv.topics as string[]).map(validateTopicName),
      partitions: argv.partitions === undefined ? undefined : parseInteger(argv.partitions, '--partitions', 1),
      replicationFactor: argv.replicationFactor === undefined ? undefined : parseInteger(argv.replicationFactor, '--replication-factor', 1),
      configs: parseKeyValues(argv.config, '--config'),
      ifNotExists: argv.ifNotExists,
    };
    if (opts.topics.length === 0) throw new UsageError('name at least one topic to create');
    const conn = connectionFrom(ctx, argv);
    const results = await withAdmin(conn, ctx.io, (admin) => createTopics(admin, opts, Math.max(conn.timeoutMs, 30_000)));
    reportItems(ctx, 'topic', results, argv.output as OutputFormat | undefined);
  },
});
