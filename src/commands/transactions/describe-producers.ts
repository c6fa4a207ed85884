import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { outputOption, printView, type OutputFormat, type View } from '../../output.js';
import { parseInteger } from '../../util/kv.js';
import { withSession } from '../../kafka/session.js';
import { describeProducers, type PartitionProducers } from '../../kafka/transactions/admin.js';

export function producersView(parts: PartitionProducers[]): View {
  const rows = parts.flatMap((p) =>
    p.producers.map((s) => [
      p.topic, p.partition, s.producerId, s.producerEpoch, s.lastSequence, s.lastTimestamp < 0 ? null : new Date(s.lastTimestamp).toISOString(),
      s.coordinatorEpoch, s.currentTxnStartOffset < 0 ? null : s.currentTxnStartOffset,
    ]));
  return {
    head: ['TOPIC', 'PARTITION', 'PRODUCER ID', 'EPOCH', 'LAST SEQUENCE', 'LAST WRITE', 'COORDINATOR EPOCH', 'OPEN TXN START'],
    rows,
    json: parts.map(({ topic, partition, producers }) => ({ topic, partition, producers })),
  };
}

export const describeProducersCommand: CommandFactory = (ctx) => ({
  command: 'describe-producers',
  describe: 'The producers with state on partitions of a topic; OPEN TXN START is where an open transaction begins',
  builder: (y) =>
    y
      .options({
        topic: { alias: 't', type: 'string', demandOption: true, requiresArg: true, describe: 'Topic' },
        partition: { alias: 'p', type: 'string', array: true, requiresArg: true, describe: 'Partition (repeatable; default: all)' },
        ...outputOption,
      })
      .example('$0 transactions describe-producers --topic orders --partition 0', 'As kafka-transactions.sh describe-producers')
      .example('$0 transactions describe-producers -t orders -o json', 'Every partition, as JSON'),
  handler: async (argv) => {
    const partitions = ((argv.partition as string[] | undefined) ?? []).map((p) => parseInteger(p, '--partition', 0));
    const parts = await withSession(connectionFrom(ctx, argv), ctx.io, (s) => describeProducers(s, argv.topic as string, partitions));
    printView(ctx.io, producersView(parts), argv.output as OutputFormat | undefined);
  },
});
