// kafka-transactions.sh's command line: the same subcommand names; describe names the id by
// --transactional-id where kstream takes it as the positional.
import type { ArgList } from '../../compat/args.js';

export function translateTransactions(args: ArgList): void {
  if (args.first() !== 'describe') return;
  const id = args.value('--transactional-id');
  if (id === undefined) return;
  args.shift();
  args.unshift('describe', id);
}
