import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { outputOption, printView, type OutputFormat, type View } from '../../output.js';
import { withSession } from '../../kafka/session.js';
import { listTransactions, type ListedTransaction } from '../../kafka/transactions/admin.js';

export function transactionsView(list: ListedTransaction[]): View {
  return {
    head: ['TRANSACTIONAL ID', 'PRODUCER ID', 'STATE'],
    rows: list.map((t) => [t.transactionalId, t.producerId, t.state]),
    json: list,
  };
}

export const listCommand: CommandFactory = (ctx) => ({
  command: ['list', 'ls'],
  describe: 'List the transactional ids of every coordinator, with their state',
  builder: (y) =>
    y
      .options({
        state: { type: 'string', array: true, requiresArg: true, describe: 'Only these states (Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, Empty, Dead, PrepareEpochFence)' },
        'producer-id': { type: 'string', array: true, requiresArg: true, describe: 'Only these producer ids' },
        ...outputOption,
      })
      .example('$0 transactions list', 'As kafka-transactions.sh list')
      .example('$0 transactions list --state Ongoing -o json', 'Open transactions only, as JSON'),
  handler: async (argv) => {
    const filter = { states: (argv.state as string[] | undefined) ?? [], producerIds: (argv.producerId as string[] | undefined)?.map(String) ?? [] };
    const list = await withSession(connectionFrom(ctx, argv), ctx.io, (s) => listTransactions(s, filter));
    printView(ctx.io, transactionsView(list), argv.output as OutputFormat | undefined);
  },
});
