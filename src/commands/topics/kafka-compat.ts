// kafka-topics.sh's command line, as `kstream topics` reads it: the action flags become
// subcommands, --topic the positional name. Kafka's semantics are kept: --list and --describe
// include internal topics unless --exclude-internal, and --delete does not ask.
import { ArgList, refuseUnsupported } from '../../compat/args.js';
import { UsageError } from '../../errors.js';

const ACTIONS = { '--create': 'create', '--list': 'list', '--describe': 'describe', '--alter': 'alter', '--delete': 'delete' } as const;

const UNSUPPORTED: Record<string, string> = {
  '--zookeeper': 'Kafka itself removed it in 3.0; use --bootstrap-server',
  '--replica-assignment': 'kstream lets the broker place replicas; pass --partitions and --replication-factor',
  '--under-replicated-partitions': 'see the REPLICAS and ISR columns of `kstream topics describe`',
  '--under-min-isr-partitions': 'see the ISR column of `kstream topics describe`',
  '--at-min-isr-partitions': 'see the ISR column of `kstream topics describe`',
  '--unavailable-partitions': 'see the LEADER column of `kstream topics describe`',
  '--topics-with-overrides': 'see the CONFIGS section of `kstream topics describe`',
  '--topic-id': 'name the topic with --topic',
  '--partition-size-limit-per-response': 'kstream describes every partition in one request',
};

export function translateTopics(args: ArgList): void {
  const actions = (Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>).filter((a) => args.flag(a));
  const topics = args.values('--topic');
  if (actions.length === 0) {
    // kstream's own form, perhaps with Kafka's --topic: `topics create --topic news`.
    const sub = args.first();
    if (sub && topics.length) {
      args.shift();
      args.unshift(sub, ...topics);
    }
    return;
  }
  if (actions.length > 1) {
    throw new UsageError(`pass one action, not ${actions.join(' and ')}`, { hint: 'kafka-topics.sh takes exactly one of --create, --list, --describe, --alter, --delete' });
  }
  refuseUnsupported(args, 'kafka-topics.sh', UNSUPPORTED);
  const action = ACTIONS[actions[0]!];
  const excludeInternal = args.flag('--exclude-internal');
  const needsTopic = action === 'create' || action === 'alter' || action === 'delete';
  if (needsTopic && topics.length === 0) throw new UsageError(`${actions[0]} needs --topic NAME`, { hint: `e.g. kstream topics ${actions[0]} --topic orders` });
  if (action === 'list' && topics.length) {
    throw new UsageError('--list with --topic is not supported', { hint: 'kstream topics list prints every topic; filter with grep, or use --describe --topic NAME' });
  }
  if (action === 'list' || action === 'describe') {
    if (!excludeInternal) args.push('--internal');
  }
  if (action === 'delete') args.push('--yes');
  if (action === 'alter' && args.has('--if-exists')) {
    args.flag('--if-exists');
    args.push('--if-exists');
  }
  args.unshift(action, ...topics);
}
