import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { UsageError } from '../../errors.js';
import { withAdmin } from '../../kafka/admin/index.js';
import { alterEntityConfigs, alterEntityQuotas } from './configs.js';
import { configChanges, entityLabel, isQuotaType, parseAddConfig, parseDeleteConfig, selectEntity } from './entity.js';
import { entityFlags, entityOptions } from './flags.js';

export const alterCommand: CommandFactory = (ctx) => ({
  command: 'alter',
  describe: 'Set or delete configs of a topic, a broker, the broker defaults or a group, key by key (IncrementalAlterConfigs)',
  builder: (y) =>
    y
      .options({
        ...entityOptions,
        'add-config': { type: 'string', array: true, requiresArg: true, describe: 'KEY=VALUE[,KEY=VALUE…] to set; [a,b] for a list value (repeatable)' },
        'delete-config': { type: 'string', array: true, requiresArg: true, describe: 'KEY[,KEY…] to remove, back to the default (repeatable)' },
      })
      .example('$0 configs alter --topic orders --add-config retention.ms=86400000,cleanup.policy=[compact,delete]', 'Set two topic configs')
      .example('$0 configs alter --topic orders --delete-config retention.ms', 'Back to the broker default')
      .example('$0 configs alter --broker 1 --add-config log.cleaner.threads=2', 'A dynamic config of broker 1')
      .example('$0 configs alter --broker-defaults --add-config message.max.bytes=2097152', 'For every broker')
      .example('$0 configs --alter --entity-type topics --entity-name orders --add-config retention.ms=1000', 'As kafka-configs.sh writes it'),
  handler: async (argv) => {
    const sel = selectEntity(entityFlags(argv));
    if (sel.names.length !== 1) {
      throw new UsageError(`alter needs exactly one entity, got ${sel.names.length}`, { hint: 'name it with --entity-name, or a shortcut such as --topic NAME' });
    }
    const changes = configChanges(parseAddConfig(argv.addConfig as string[] | undefined), parseDeleteConfig(argv.deleteConfig as string[] | undefined));
    const { type } = sel;
    const name = sel.names[0]!;
    const { lines, warnings } = await withAdmin(connectionFrom(ctx, argv), ctx.io, async (admin) => (isQuotaType(type)
      ? { lines: await alterEntityQuotas(admin, type, name, changes), warnings: [] }
      : alterEntityConfigs(admin, { type, name }, changes)));
    for (const line of warnings) ctx.warn(line);
    for (const line of lines) ctx.info(`${entityLabel(type, name)}: ${line}`);
  },
});
