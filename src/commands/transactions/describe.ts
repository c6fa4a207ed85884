import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { outputOption, printView, type OutputFormat, type View } from '../../output.js';
import { withSession } from '../../kafka/session.js';
import { describeTransaction, type TransactionDescription } from '../../kafka/transactions/admin.js';

const when = (ms: number) => (ms < 0 ? null : new Date(ms).toISOString());

export function transactionView(t: TransactionDescription, now: number): View {
  const { error: _error, ...json } = t;
  const open = t.startTimeMs >= 0;
  return {
    head: ['TRANSACTIONAL ID', 'PRODUCER ID', 'EPOCH', 'STATE', 'TIMEOUT MS', 'STARTED', 'AGE S', 'PARTITIONS'],
    rows: [[
      t.transactionalId, t.producerId, t.producerEpoch, t.state, t.timeoutMs, when(t.startTimeMs),
      open ? Math.max(0, Math.round((now - t.startTimeMs) / 1000)) : null,
      t.partitions.map((p) => `${p.topic}:${p.partition}`).join(',') || null,
    ]],
    json,
  };
}

export const describeCommand: CommandFactory = (ctx) => ({
  command: 'describe <transactional-id>',
  describe: "A transactional id's producer, state, timeout, start and the partitions of its open transaction",
  builder: (y) =>
    y
      .positional('transactional-id', { type: 'string', describe: 'The producer\'s transactional.id' })
      .options({ ...outputOption })
      .example('$0 transactions describe orders-writer', 'As kafka-transactions.sh describe --transactional-id orders-writer'),
  handler: async (argv) => {
    const t = await withSession(connectionFrom(ctx, argv), ctx.io, (s) => describeTransaction(s, argv.transactionalId as string));
    printView(ctx.io, transactionView(t, Date.now()), argv.output as OutputFormat | undefined);
  },
});
