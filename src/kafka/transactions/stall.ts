// For a read_committed reader: a partition whose position has reached its last stable offset while
// the high watermark is further on waits for an open transaction. When that lasts, say so once,
// naming the producer that holds it (DescribeProducers), and how to look at or end it.
import type { Session } from '../session.js';
import { describeProducers, type ActiveProducer } from './admin.js';

/** Fetch responses report each partition's offsets through this. */
export type OffsetsObserver = (partition: number, position: number, lastStableOffset: number, highWatermark: number) => void;

/** How long a partition must stay held before the notice: a transaction normally ends within moments. */
export const STALL_NOTICE_MS = 3_000;

/** The producer whose open transaction starts at `lso` on a partition, if DescribeProducers finds one. */
export type HolderLookup = (partition: number, lso: number) => Promise<ActiveProducer | undefined>;

/** Looks the holder up on the reader's own cluster connection. */
export function holderOn(session: Pick<Session, 'cluster'>, topic: string): HolderLookup {
  return (partition, lso) =>
    describeProducers(session as Session, topic, [partition]).then(([p]) => p?.producers.find((s) => s.currentTxnStartOffset === lso));
}

export function openTransactionNotice(
  topic: string,
  findHolder: HolderLookup,
  note: (line: string) => void,
  now: () => number = Date.now,
): OffsetsObserver {
  // Per partition: the last stable offset it is held at and since when. A moving LSO is transactions
  // committing one after another, which a caught-up reader meets all the time: not a stall.
  const held = new Map<number, { lso: number; at: number }>();
  let state: 'watching' | 'asking' | 'told' = 'watching';
  return (partition, position, lso, hw) => {
    if (state !== 'watching') return;
    if (position < lso || lso >= hw) {
      held.delete(partition);
      return;
    }
    const h = held.get(partition);
    if (!h || h.lso !== lso) {
      held.set(partition, { lso, at: now() });
      return;
    }
    if (now() - h.at < STALL_NOTICE_MS) return;
    state = 'asking';
    // Without the producer (DescribeProducers refused, say) the notice still says why reading waits.
    void findHolder(partition, lso).catch(() => undefined).then((producer) => {
      state = 'told';
      note(stallLine(topic, partition, lso, hw, producer));
    });
  };
}

export function stallLine(topic: string, partition: number, lso: number, hw: number, producer?: ActiveProducer): string {
  const who = producer ? `producer ${producer.producerId} (epoch ${producer.producerEpoch})` : 'a producer';
  const next = producer
    ? `see \`kstream transactions describe-producers --topic ${topic} --partition ${partition}\`; to end it: \`kstream transactions abort --topic ${topic} --partition ${partition} --start-offset ${lso}\``
    : `see \`kstream transactions describe-producers --topic ${topic} --partition ${partition}\``;
  return `waiting on an open transaction: partition ${partition} of '${topic}' is held at offset ${lso} (high watermark ${hw}) by ${who}; ${next}`;
}
