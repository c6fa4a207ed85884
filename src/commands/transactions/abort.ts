import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { UsageError } from '../../errors.js';
import { parseInteger } from '../../util/kv.js';
import { withSession } from '../../kafka/session.js';
import { abortTransaction, type AbortSpec } from '../../kafka/transactions/admin.js';

interface AbortArgs {
  topic: string;
  partition: string;
  producerId?: string;
  producerEpoch?: string;
  coordinatorEpoch?: string;
  startOffset?: string;
}

/** Either the producer's three numbers, or the offset its open transaction starts at; not both. */
export function abortSpec(a: AbortArgs): AbortSpec {
  const partition = parseInteger(a.partition, '--partition', 0);
  const producer = [a.producerId, a.producerEpoch, a.coordinatorEpoch];
  if (a.startOffset !== undefined) {
    if (producer.some((v) => v !== undefined)) throw new UsageError('pass --start-offset or the producer (--producer-id, --producer-epoch, --coordinator-epoch), not both');
    return { topic: a.topic, partition, startOffset: parseInteger(a.startOffset, '--start-offset', 0) };
  }
  if (producer.some((v) => v === undefined)) {
    throw new UsageError('name the transaction to abort', { hint: 'pass --start-offset N (see `kstream transactions describe-producers`), or --producer-id, --producer-epoch and --coordinator-epoch' });
  }
  return {
    topic: a.topic,
    partition,
    producerId: producerId(a.producerId!),
    producerEpoch: parseInteger(a.producerEpoch, '--producer-epoch', 0, 32767),
    coordinatorEpoch: parseInteger(a.coordinatorEpoch, '--coordinator-epoch', -1),
  };
}

/** An int64, kept as text: a producer id may be beyond a JavaScript number's exact range. */
function producerId(text: string): string {
  if (!/^\d{1,19}$/.test(text.trim())) throw new UsageError(`--producer-id must be a whole number (got '${text}')`);
  return text.trim();
}

export const abortCommand: CommandFactory = (ctx) => ({
  command: 'abort',
  describe: "Abort a hanging transaction on one partition (writes the abort marker its coordinator did not)",
  builder: (y) =>
    y
      .options({
        topic: { alias: 't', type: 'string', demandOption: true, requiresArg: true, describe: 'Topic' },
        partition: { alias: 'p', type: 'string', demandOption: true, requiresArg: true, describe: 'Partition' },
        'start-offset': { type: 'string', requiresArg: true, describe: 'Offset where the open transaction begins (OPEN TXN START of describe-producers)' },
        'producer-id': { type: 'string', requiresArg: true, describe: 'Producer id (instead of --start-offset)' },
        'producer-epoch': { type: 'string', requiresArg: true, describe: 'Producer epoch' },
        'coordinator-epoch': { type: 'string', requiresArg: true, describe: 'Coordinator epoch' },
      })
      .example('$0 transactions abort --topic orders --partition 0 --start-offset 1041', 'As kafka-transactions.sh abort: the producer is looked up')
      .example('$0 transactions abort -t orders -p 0 --producer-id 3000 --producer-epoch 2 --coordinator-epoch 0', 'The producer given in full'),
  handler: async (argv) => {
    const spec = abortSpec(argv as unknown as AbortArgs);
    const m = await withSession(connectionFrom(ctx, argv), ctx.io, (s) => abortTransaction(s, spec));
    ctx.info(`aborted the transaction of producer ${m.producerId} (epoch ${m.producerEpoch}) on ${m.topic}:${m.partition}`);
  },
});
