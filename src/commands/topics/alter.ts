import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { UsageError } from '../../errors.js';
import { requireTopics, validateTopicName } from '../../kafka/topic.js';
import { parseInteger, parseKeyValues } from '../../util/kv.js';


export interface AlterTopicOptions {
  topic: string;
  partitions?: number;
  set: Array<[string, string]>;
  remove: string[];
}

/** Returns one line per change made. */
export async function alterTopic(admin: KafkaAdmin, opts: AlterTopicOptions): Promise<string[]> {
  await requireTopics(admin, [opts.topic]);
  const changes: string[] = [];
  if (opts.partitions !== undefined) changes.push(...(await growPartitions(admin, opts.topic, opts.partitions)));
  if (opts.set.length || opts.remove.length) changes.push(...(await alterConfigs(admin, opts)));
  return changes;
}

async function growPartitions(admin: KafkaAdmin, topic: string, count: number): Promise<string[]> {
  const [info] = await admin.describeTopics([topic]);
  const current = info!.partitions.length;
  if (count < current) {
    throw new UsageError(`topic '${topic}' has ${current} partitions; Kafka can only add partitions, not remove them`, {
      hint: `pass --partitions ${current} or more`,
    });
  }
  if (count === current) return [`partitions: already ${current}`];
  await admin.createPartitions(topic, count);
  return [`partitions: ${current} -> ${count}`];
}

/**
 * One IncrementalAlterConfigs with every change: the broker applies them to the configs as they
 * are then, so a change another client makes meanwhile to another key is kept. The configs read
 * first only check the names and word the report.
 */
async function alterConfigs(admin: KafkaAdmin, opts: AlterTopicOptions): Promise<string[]> {
  const resource = { type: 'topics' as const, name: opts.topic };
  const entries = await admin.describeConfigs(resource);
  const known = new Set(entries.map((e) => e.name));
  const current = new Map(entries.filter((e) => e.source === 'DYNAMIC_TOPIC_CONFIG').map((e) => [e.name, e.value]));
  for (const name of [...opts.set.map(([k]) => k), ...opts.remove]) {
    if (!known.has(name)) throw new UsageError(`'${name}' is not a topic config`, { hint: 'see `kstream topics describe <topic> --all-configs`' });
  }
  const changes: string[] = [];
  for (const name of opts.remove) changes.push(current.has(name) ? `${name}: removed (back to default)` : `${name}: not set, nothing to remove`);
  for (const [name, value] of opts.set) changes.push(`${name}: ${current.get(name) ?? '(default)'} -> ${value}`);
  await admin.alterConfigs(resource, [
    ...opts.remove.map((name) => ({ op: 'delete' as const, name })),
    ...opts.set.map(([name, value]) => ({ op: 'set' as const, name, value })),
  ]);
  return changes;
}

export const alterCommand: CommandFactory = (ctx) => ({
  command: 'alter <topic>',
  describe: 'Add partitions or change topic configs',
  builder: (y) =>
    y
      .positional('topic', { type: 'string', describe: 'Topic name' })
      .options({
        partitions: { alias: 'p', type: 'string', describe: 'New partition count (can only grow)', requiresArg: true },
        config: { alias: 'c', type: 'string', array: true, describe: 'Set a config key=value (repeatable)', requiresArg: true },
        'delete-config': { type: 'string', array: true, describe: 'Return a config to its default (repeatable)', requiresArg: true },
        'if-exists': { type: 'boolean', default: false, describe: 'Change nothing, and succeed, if the topic does not exist' },
      })
      .example('$0 topics alter orders --partitions 6', 'Grow to six partitions')
      .example('$0 topics alter orders -c retention.ms=3600000 --delete-config cleanup.policy', 'Change configs'),
  handler: async (argv) => {
    const opts: AlterTopicOptions = {
      topic: validateTopicName(argv.topic as string),
      partitions: argv.partitions === undefined ? undefined : parseInteger(argv.partitions, '--partitions', 1),
      set: parseKeyValues(argv.config, '--config'),
      remove: (argv.deleteConfig as string[] | undefined) ?? [],
    };
    if (opts.partitions === undefined && !opts.set.length && !opts.remove.length) {
      throw new UsageError('nothing to change', { hint: 'pass --partitions, --config or --delete-config' });
    }
    const changes = await withAdmin(connectionFrom(ctx, argv), ctx.io, async (admin) =>
      argv.ifExists && !(await admin.listTopics()).includes(opts.topic) ? [`does not exist; nothing changed (--if-exists)`] : alterTopic(admin, opts));
    for (const line of changes) ctx.info(`${opts.topic}: ${line}`);
  },
});
