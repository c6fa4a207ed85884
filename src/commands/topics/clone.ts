import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { type Connection } from '../../kafka/connection.js';
import { withAdmin } from '../../kafka/admin/index.js';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { outputOption, type OutputFormat } from '../../output.js';
import { reportItems } from '../../report.js';
import { watchSignals } from '../../signals.js';
import { validateTopicName } from '../../kafka/topic.js';
import { parseInteger } from '../../util/kv.js';
import { copyTopic, defaultCopyGroup } from '../copy/copy.js';
import { createTopics } from './create.js';
import { describeTopic } from './describe.js';

export interface CloneOptions {
  src: string;
  dst: string;
  /** Default: the source's replication factor. */
  replicationFactor?: number;
  withData: boolean;
}

/** What the destination gets: the source's partition count, replication and the configs set on it. */
export interface ClonePlan {
  partitions: number;
  replicationFactor: number;
  configs: Array<[string, string]>;
  /** Sensitive configs: the broker does not say their values, so they cannot be cloned. */
  skipped: string[];
}

export async function planClone(conn: Connection, ctx: Context, opts: CloneOptions): Promise<ClonePlan> {
  const d = await withAdmin(conn, ctx.io, (admin) => describeTopic(admin, opts.src, { allConfigs: false }));
  return {
    partitions: d.partitions.length,
    replicationFactor: opts.replicationFactor ?? d.partitions[0]?.replicas.length ?? 1,
    configs: d.configs.filter((c) => c.value !== null).map((c) => [c.name, c.value!]),
    skipped: d.configs.filter((c) => c.value === null).map((c) => c.name),
  };
}

/** Creates DST like SRC, then (--with-data) copies what SRC holds now, exactly once. */
export async function cloneTopic(ctx: Context, conn: Connection, opts: CloneOptions, output: OutputFormat | undefined, signal: AbortSignal): Promise<void> {
  const plan = await planClone(conn, ctx, opts);
  for (const name of plan.skipped) ctx.warn(`config ${name} of '${opts.src}' is sensitive, so its value cannot be read; '${opts.dst}' does not get it`);
  const results = await withAdmin(conn, ctx.io, (admin) => createTopics(admin, {
    topics: [opts.dst], partitions: plan.partitions, replicationFactor: plan.replicationFactor, configs: plan.configs, ifNotExists: false,
  }, Math.max(conn.timeoutMs, 30_000)));
  const configs = plan.configs.length ? `, ${plan.configs.map(([k, v]) => `${k}=${v}`).join(', ')}` : '';
  const item = results[0]!;
  reportItems(ctx, 'topic', [{ ...item, message: item.ok ? `created like ${opts.src}: ${plan.partitions} partitions, replication ${plan.replicationFactor}${configs}` : item.message }], output);
  if (!opts.withData) return;
  await copyTopic(ctx, {
    src: opts.src, dst: opts.dst, group: defaultCopyGroup(opts.src, opts.dst), steps: [], mapTimeoutMs: 30_000,
    repartition: false, exit: true, batchSize: 1000, source: conn, signal,
  });
}

export const cloneCommand: CommandFactory = (ctx) => ({
  command: 'clone <source> <destination>',
  describe: 'Create a topic like another (partitions, replication, configs set on it), optionally with its records',
  builder: (y) =>
    y
      .positional('source', { type: 'string', describe: 'Topic to clone', demandOption: true })
      .positional('destination', { type: 'string', describe: 'New topic', demandOption: true })
      .options({
        'with-data': { type: 'boolean', default: false, describe: 'Then copy the records present now, exactly once, keeping keys, headers, timestamps and partitions' },
        'replication-factor': { alias: 'r', type: 'string', describe: 'Copies of each partition (default: as the source)', requiresArg: true },
        ...outputOption,
      })
      .example('$0 topics clone orders orders-test', 'Same partitions and configs, no records')
      .example('$0 topics clone orders orders-replay --with-data', 'And a copy of every record, exactly once'),
  handler: async (argv) => {
    const src = validateTopicName(argv.source as string);
    const dst = validateTopicName(argv.destination as string);
    if (src === dst) throw new UsageError('a clone needs a new name', { hint: `e.g. kstream topics clone ${src} ${src}-copy` });
    const replicationFactor = argv.replicationFactor === undefined ? undefined : parseInteger(argv.replicationFactor, '--replication-factor', 1);
    const interruption = watchSignals(ctx);
    try {
      await cloneTopic(ctx, connectionFrom(ctx, argv), { src, dst, replicationFactor, withData: argv.withData as boolean }, argv.output as OutputFormat | undefined, interruption.signal);
      interruption.throwIfInterrupted();
    } finally {
      interruption.dispose();
    }
  },
});
