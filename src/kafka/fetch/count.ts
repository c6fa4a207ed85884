// The exact number of records a read_committed consumer would see in each partition: the topic is
// read from the low watermark to the last stable offset on the fetch path, skipping transaction
// markers and aborted transactions as a consumer does. `high - low` counts those too (and the
// offsets compaction removed), so it is only an upper bound.
import type { Io } from '../../context.js';
import { createCluster } from '../cluster.js';
import { createKafka, type Connection } from '../connection.js';
import { Fetcher } from './fetcher.js';

export interface PartitionCount {
  partition: number;
  /** Counted from here (the low watermark)… */
  from: number;
  /** …to here (the last stable offset: records of open transactions are not counted yet). */
  to: number;
  records: number;
}

const FETCH = { maxWaitMs: 100, partitionMaxBytes: 4 << 20, maxBytes: 16 << 20 };

export async function countRecords(conn: Connection, io: Pick<Io, 'stderr'>, topic: string, opts: { requestTimeoutMs: number; signal?: AbortSignal; note: (line: string) => void }): Promise<PartitionCount[]> {
  const cluster = createCluster(await createKafka(conn, io), { readCommitted: true });
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
    const [lows] = await cluster.fetchTopicsOffset([{ topic, partitions, fromBeginning: true }]);
    const [ends] = await cluster.fetchTopicsOffset([{ topic, partitions, fromBeginning: false }]);
    const counts = new Map<number, PartitionCount>(partitions.map(({ partition }) => {
      const from = Number(lows!.partitions.find((p) => p.partition === partition)!.offset);
      const to = Number(ends!.partitions.find((p) => p.partition === partition)!.offset);
      return [partition, { partition, from, to, records: 0 }];
    }));
    const fetcher = new Fetcher(cluster, { topic, readCommitted: true, requestTimeoutMs: opts.requestTimeoutMs, note: opts.note, ...FETCH },
      [...counts.values()].map((c) => ({ partition: c.partition, offset: c.from, stopAt: c.to })));
    const onAbort = () => fetcher.stop();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      await fetcher.run(async (fetched) => {
        await fetched.walk((cursor) => {
          counts.get(cursor.partition)!.records++;
          return true;
        });
        return true;
      });
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    return [...counts.values()].sort((a, b) => a.partition - b.partition);
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}
