// kafka-consumer-groups.sh's command line, as `kstream groups` reads it: the action flags become
// subcommands, --group the positional group. --delete does not ask, as Kafka's does not.
import { ArgList, refuseUnsupported } from '../../compat/args.js';
import { UsageError } from '../../errors.js';

const ACTIONS = {
  '--list': 'list',
  '--describe': 'describe',
  '--delete': 'delete',
  '--delete-offsets': 'delete-offsets',
  '--reset-offsets': 'reset-offsets',
} as const;

const UNSUPPORTED: Record<string, string> = {
  '--zookeeper': 'Kafka itself removed it; use --bootstrap-server',
  '--validate-regex': 'kstream consumes one named topic',
  '--type': 'kstream lists consumer-protocol groups and shows PROTOCOL-TYPE in `kstream groups list -o table`',
};

export function translateGroups(args: ArgList): void {
  const actions = (Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>).filter((a) => args.flag(a));
  const groups = args.values('--group');
  if (actions.length === 0) {
    // kstream's own form, perhaps with Kafka's --group: `groups describe --group billing`.
    const sub = args.first();
    if (sub && groups.length) {
      args.shift();
      args.unshift(sub, ...groups);
    }
    return;
  }
  if (actions.length > 1) {
    throw new UsageError(`pass one action, not ${actions.join(' and ')}`, { hint: 'kafka-consumer-groups.sh takes one of --list, --describe, --delete, --delete-offsets, --reset-offsets' });
  }
  refuseUnsupported(args, 'kafka-consumer-groups.sh', UNSUPPORTED);
  const action = ACTIONS[actions[0]!];
  // Kafka's --timeout is in ms, for its admin calls; kstream's --timeout takes that too.
  // Kafka's --verbose only adds columns to --members, which kstream always shows.
  if (action === 'describe') args.flag('--verbose');
  const all = args.has('--all-groups');
  if (action !== 'list' && groups.length === 0 && !all) {
    throw new UsageError(`${actions[0]} needs --group GROUP${action === 'describe' || action === 'delete' ? ' or --all-groups' : ''}`);
  }
  if (action === 'reset-offsets' || action === 'delete-offsets') {
    if (groups.length > 1) throw new UsageError(`${actions[0]} takes one --group`);
    if (all) throw new UsageError(`${actions[0]} with --all-groups is not supported`, { hint: 'name one group with --group' });
  }
  if (action === 'delete') args.push('--yes');
  if (action === 'reset-offsets') {
    // Kafka's default, and --dry-run's meaning: print the plan only.
    args.flag('--dry-run');
  }
  args.unshift(action, ...groups);
}
