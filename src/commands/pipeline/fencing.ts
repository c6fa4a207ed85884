import type { KafkaAdmin } from '../../kafka/admin/index.js';
import type { KafkaClient } from '../../kafka/client.js';
import { MessageProducer } from '../../kafka/message-producer.js';

/**
 * Workers of a stage that no longer exist (a run with --parallel 3, killed, then run with
 * --parallel 1) may have left a transaction open under their transactional ids. Nobody would end it
 * until the transaction timeout, and read_committed readers of the destination would wait for it.
 *
 * So the highest --parallel a stage has used is kept in the metadata of its committed offsets
 * (`kstream-parallel=N`, written by every commit), and a stage starting with fewer workers first
 * initialises the transactional ids of workers N-1 … --parallel (InitProducerId aborts an open
 * transaction and fences its producer). A run that raises --parallel writes the new N before any
 * of its workers begins a transaction (`recordParallel`), so a crash can never leave an id open
 * that no record names. Partitions that this run does not commit keep an older, higher N: that only
 * makes a later start initialise a few ids more than needed, which is cheap.
 */
const MARK = 'kstream-parallel=';

export const parallelMetadata = (parallel: number): string => `${MARK}${parallel}`;

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: string;
  metadata: string | null;
}

/** The group's committed offsets of the source topics (partitions without one are left out). */
export async function committedOffsets(admin: KafkaAdmin, groupId: string, topics: string[]): Promise<CommittedOffset[]> {
  return (await admin.groupOffsets(groupId, topics)).map((o) => ({ ...o, offset: String(o.offset) }));
}

/** The highest --parallel the committed offsets record; 1 when none does (worker 0 is always initialised). */
export function recordedParallel(offsets: CommittedOffset[]): number {
  let most = 1;
  for (const o of offsets) {
    const n = o.metadata?.startsWith(MARK) ? Number(o.metadata.slice(MARK.length)) : NaN;
    if (Number.isInteger(n) && n > most) most = n;
  }
  return most;
}

/** Initialises each transactional id, which aborts a transaction left open under it. */
export async function fenceIds(kafka: KafkaClient, ids: string[]): Promise<void> {
  await Promise.all(ids.map(async (transactionalId) => {
    const producer = new MessageProducer(kafka, { transactionalId });
    await producer.connect();
    try {
      // The producer sends InitProducerId on its first transaction; an empty abort sends nothing more.
      await (await producer.transaction()).abort();
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }));
}
