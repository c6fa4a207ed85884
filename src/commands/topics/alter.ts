import { ConfigResourceTypes, type Admin } from '../../kafkajs.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { withAdmin } from '../../connection.js';
import { UsageError } from '../../errors.js';
import { requireTopics, TOPIC_CONFIG_SOURCE, validateTopicName } from '../../topic.js';
import { parseInteger, parseKeyValues } from '../../util/kv.js';
import { withAdminSession } from '../../kafka/admin/session.js';
import { watchSignals } from '../../signals.js';
import { changeReplicationFactor } from './replication.js';


export interface AlterTopicOptions {
  topic: string;
  partitions?: number;
  replicationFactor?: number;
  set: Array<[string, string]>;
  remove: string[];
}

/** Returns one line per change made. */
export async function alterTopic(admin: Admin, opts: AlterTopicOptions): Promise<string[]> {
  await requireTopics(admin, [opts.topic]);
  const changes: string[] = [];
  if (opts.partitions !== undefined) changes.push(...(await growPartitions(admin, opts.topic, opts.partitions)));
  if (opts.set.length || opts.remove.length) changes.push(...(await alterConfigs(admin, opts)));
  return changes;
}

async function growPartitions(admin: Admin, topic: string, count: number): Promise<string[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const current = topics[0]!.partitions.length;
  if (count < current) {
    throw new UsageError(`topic '${topic}' has ${current} partitions; Kafka can only add partitions, not remove them`, {
      hint: `pass --partitions ${current} or more`,
    });
  }
  if (count === current) return [`partitions: already ${current}`];
  await admin.createPartitions({ topicPartitions: [{ topic, count }] });
  return [`partitions: ${current} -> ${count}`];
}

/**
 * kafkajs only speaks the non-incremental AlterConfigs API, which replaces every topic-level
 * config at once; so read the current ones and send them back with the change applied.
 */
async function alterConfigs(admin: Admin, opts: AlterTopicOptions): Promise<string[]> {
  const resource = { type: ConfigResourceTypes.TOPIC, name: opts.topic };
  const described = await admin.describeConfigs({ resources: [resource], includeSynonyms: false });
  const entries = described.resources[0]?.configEntries ?? [];
  const known = new Set(entries.map((e) => e.configName));
  const current = new Map(
    entries.filter((e) => (e as { configSource?: number }).configSource === TOPIC_CONFIG_SOURCE).map((e) => [e.configName, e.configValue]),
  );
  for (const name of [...opts.set.map(([k]) => k), ...opts.remove]) {
    if (!known.has(name)) throw new UsageError(`'${name}' is not a topic config`, { hint: 'see `kstream topics describe <topic> --all-configs`' });
  }
  const changes: string[] = [];
  for (const name of opts.remove) {
    changes.push(current.has(name) ? `${name}: removed (back to default)` : `${name}: not set, nothing to remove`);
    current.delete(name);
  }
  for (const [name, value] of opts.set) {
    changes.push(`${name}: ${current.get(name) ?? '(default)'} -> ${value}`);
    current.set(name, value);
  }
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ ...resource, configEntries: [...current].map(([name, value]) => ({ name, value })) }],
  });
  return changes;
}

const NOT_THERE = 'does not exist; nothing changed (--if-exists)';

export const alterCommand: CommandFactory = (ctx) => ({
  command: 'alter <topic>',
  describe: 'Add partitions, change the replication factor or topic configs',
  builder: (y) =>
    y
      .positional('topic', { type: 'string', describe: 'Topic name' })
      .options({
        partitions: { alias: 'p', type: 'string', describe: 'New partition count (can only grow)', requiresArg: true },
        'replication-factor': { alias: 'r', type: 'string', describe: 'New number of replicas per partition (a reassignment; waits up to --timeout for the copies)', requiresArg: true },
        config: { alias: 'c', type: 'string', array: true, describe: 'Set a config key=value (repeatable)', requiresArg: true },
        'delete-config': { type: 'string', array: true, describe: 'Return a config to its default (repeatable)', requiresArg: true },
        'if-exists': { type: 'boolean', default: false, describe: 'Change nothing, and succeed, if the topic does not exist' },
      })
      .example('$0 topics alter orders --partitions 6', 'Grow to six partitions')
      .example('$0 topics alter orders -c retention.ms=3600000 --delete-config cleanup.policy', 'Change configs')
      .example('$0 topics alter orders --replication-factor 3 --timeout 5m', 'Three copies of every partition, waiting up to 5 minutes for them'),
  handler: async (argv) => {
    const opts: AlterTopicOptions = {
      topic: validateTopicName(argv.topic as string),
      partitions: argv.partitions === undefined ? undefined : parseInteger(argv.partitions, '--partitions', 1),
      replicationFactor: argv.replicationFactor === undefined ? undefined : parseInteger(argv.replicationFactor, '--replication-factor', 1, 32767),
      set: parseKeyValues(argv.config, '--config'),
      remove: (argv.deleteConfig as string[] | undefined) ?? [],
    };
    if (opts.partitions === undefined && opts.replicationFactor === undefined && !opts.set.length && !opts.remove.length) {
      throw new UsageError('nothing to change', { hint: 'pass --partitions, --replication-factor, --config or --delete-config' });
    }
    const conn = connectionFrom(ctx, argv);
    const factor = opts.replicationFactor;
    const skip = async (admin: Admin) => argv.ifExists && !(await admin.listTopics()).includes(opts.topic);
    const changes = factor === undefined
      ? await withAdmin(conn, ctx.io, async (admin) => ((await skip(admin)) ? [NOT_THERE] : alterTopic(admin, opts)))
      : await withAdminSession(conn, ctx.io, async (s) => {
        if (await skip(s.admin)) return [NOT_THERE];
        const lines = await alterTopic(s.admin, opts);
        const interruption = watchSignals(ctx);
        try {
          return [...lines, ...(await changeReplicationFactor(s, { topic: opts.topic, factor, timeoutMs: conn.timeoutMs, signal: interruption.signal }))];
        } finally {
          interruption.dispose();
        }
      });
    for (const line of changes) ctx.info(`${opts.topic}: ${line}`);
  },
});
