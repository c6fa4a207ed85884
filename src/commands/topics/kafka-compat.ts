// kafka-topics.sh's command line, as `kstream topics` reads it: the action flags become
// subcommands, --topic the positional name. Kafka's semantics are kept: --list and --describe
// include internal topics unless --exclude-internal, and --delete does not ask.
import { ArgList, refuseUnsupported } from '../../compat/args.js';
import { UsageError } from '../../errors.js';

const ACTIONS = { '--create': 'create', '--list': 'list', '--describe': 'describe', '--alter': 'alter', '--delete': 'delete' } as const;

const UNSUPPORTED: Record<string, string> = {
  '--zookeeper': 'Kafka itself removed it in 3.0; use --bootstrap-server',
  '--replica-assignment': 'kstream lets the broker place replicas; pass --partitions and --replication-factor',
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
  // --list and --describe take --topic as a regular expression (kafka-topics.sh's TopicFilter);
  // a plain name stays a name, which describe then requires to exist, as Kafka's tool does.
  const patterns = action === 'list' || action === 'describe' ? topics.filter((t) => action === 'list' || !TOPIC_NAME.test(t)) : [];
  if (patterns.length > 1) throw new UsageError('pass one --topic pattern', { hint: "join them: --topic 'a|b'" });
  if (action === 'list' || action === 'describe') {
    if (!excludeInternal) args.push('--internal');
  }
  if (action === 'delete') args.push('--yes');
  if (action === 'alter' && args.has('--if-exists')) {
    args.flag('--if-exists');
    args.push('--if-exists');
  }
  if (patterns.length) args.push('--regex', patterns[0]!);
  args.unshift(action, ...topics.filter((t) => !patterns.includes(t)));
}

const TOPIC_NAME = /^[a-zA-Z0-9_-][a-zA-Z0-9._-]*$/;

/**
 * kafka-delete-records.sh --offset-json-file F: `topics delete-records --offset-json-file F`,
 * without a question, as Kafka's tool asks none.
 */
export function translateDeleteRecords(args: ArgList): void {
  if (!args.has('--offset-json-file')) {
    throw new UsageError('kafka-delete-records.sh needs --offset-json-file FILE', { hint: 'or use `kstream topics delete-records TOPIC --before OFFSET`' });
  }
  args.unshift('delete-records');
  args.push('--yes');
}
