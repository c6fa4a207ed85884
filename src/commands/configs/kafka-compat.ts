// kafka-configs.sh's command line, as `kstream configs` reads it: --describe and --alter become
// the subcommands; the entity flags (--entity-type, --entity-name, --entity-default, --topic,
// --broker, --group…), --add-config, --delete-config and --all have the same names in kstream.
import { ArgList, refuseUnsupported } from '../../compat/args.js';
import { UsageError } from '../../errors.js';

const ACTIONS = { '--describe': 'describe', '--alter': 'alter' } as const;

const UNSUPPORTED: Record<string, string> = {
  '--zookeeper': 'Kafka itself removed it; use --bootstrap-server',
  '--add-config-file': 'pass the settings with --add-config KEY=VALUE,…',
  '--bootstrap-controller': 'kstream talks to brokers; pass --bootstrap-server',
  '--user-defaults': 'pass --entity-type users --entity-default',
  '--client-defaults': 'pass --entity-type clients --entity-default',
};

export function translateConfigs(args: ArgList): void {
  const actions = (Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>).filter((a) => args.flag(a));
  if (actions.length === 0) {
    // Global flags may come first (`-b HOST configs alter …`), so look for the subcommand anywhere.
    const sub = args.list().some((w) => w === 'describe' || w === 'alter');
    if (!sub && args.has('--entity-type', '--topic', '--broker', '--broker-defaults', '--group', '--entity-name')) {
      throw new UsageError('say what to do with the configs', { hint: 'add --describe or --alter, or use `kstream configs describe|alter`' });
    }
    return;
  }
  if (actions.length > 1) throw new UsageError('pass one action, not --describe and --alter', { hint: 'kafka-configs.sh takes exactly one of --describe, --alter' });
  refuseUnsupported(args, 'kafka-configs.sh', UNSUPPORTED);
  // --force only skips kafka-configs.sh's own confirmation; kstream asks none.
  args.flag('--force');
  args.unshift(ACTIONS[actions[0]!]);
}
