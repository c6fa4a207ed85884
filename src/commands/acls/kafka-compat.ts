// kafka-acls.sh's command line, as `kstream acls` reads it: --add, --list and --remove become the
// subcommands; --allow-principal and --deny-principal a principal and a permission; the host and
// pattern flags their kstream names. Resource flags (--topic, --group, --transactional-id,
// --cluster), --operation, --producer and --consumer are spelt the same in both.
import { ArgList, refuseUnsupported } from '../../compat/args.js';
import { UsageError } from '../../errors.js';

const ACTIONS = { '--add': 'create', '--list': 'list', '--remove': 'delete' } as const;

const UNSUPPORTED: Record<string, string> = {
  '--authorizer-properties': 'kstream talks to the brokers (--bootstrap-server), not to ZooKeeper',
  '--authorizer': 'kstream talks to the brokers (--bootstrap-server); the authorizer is theirs',
  '--delegation-token': 'delegation-token ACLs are not supported by kstream',
  '--user-principal': 'user-principal ACLs are not supported by kstream',
};

export function translateAcls(args: ArgList, notes: string[]): void {
  const actions = (Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>).filter((a) => args.has(a));
  if (actions.length === 0) return;
  if (actions.length > 1) throw new UsageError(`pass one action, not ${actions.join(' and ')}`, { hint: 'kafka-acls.sh takes exactly one of --add, --list, --remove' });
  actions.forEach((a) => args.flag(a));
  refuseUnsupported(args, 'kafka-acls.sh', UNSUPPORTED);
  const allow = args.values('--allow-principal');
  const deny = args.values('--deny-principal');
  if (allow.length && deny.length) {
    throw new UsageError('--allow-principal and --deny-principal in one line are not supported by kstream', { hint: 'run it twice: once with --allow-principal, once with --deny-principal' });
  }
  for (const p of [...allow, ...deny]) args.push('--principal', p);
  if (allow.length) args.push('--permission', 'allow');
  if (deny.length) args.push('--permission', 'deny');
  for (const h of [...args.values('--allow-host'), ...args.values('--deny-host')]) args.push('--host', h);
  const pattern = args.value('--resource-pattern-type');
  if (pattern) args.push('--pattern-type', pattern.toLowerCase());
  // kstream does not ask before deleting, so Kafka's way of skipping the question has nothing to do.
  args.flag('--force');
  if (args.flag('--idempotent')) notes.push('--idempotent ignored: since Kafka 2.8 a producer with WRITE on a topic may write idempotently');
  args.unshift(ACTIONS[actions[0]!]);
}
