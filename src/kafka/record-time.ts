// The timestamp of the first record at or after an offset, per partition: how old the oldest
// record a consumer group has not read yet is (`groups describe --watch`, `kstream top`).
import type { KafkaClient } from './client.js';
import { createCluster, type KafkajsCluster } from './cluster.js';
import { Fetcher } from './fetch/fetcher.js';

export interface Unread {
  partition: number;
  /** The group's position (committed offset, or the log start). */
  offset: number;
  /** The log end: nothing to read there or after. */
  end: number;
}

/** Reads one small fetch per partition on one kafkajs cluster kept for the whole watch. */
export class RecordTimes {
  private readonly cluster: KafkajsCluster;

  constructor(kafka: KafkaClient) {
    this.cluster = createCluster(kafka, { readCommitted: true });
  }

  /**
   * Timestamps (ms) of the first committed record from each `offset` up to `end`; partitions
   * with none (only aborted records or markers, or deleted meanwhile) are left out.
   */
  async firstTimes(topic: string, unread: Unread[], timeoutMs: number): Promise<Map<number, number>> {
    const times = new Map<number, number>();
    const wanted = unread.filter((u) => u.end > u.offset);
    if (wanted.length === 0) return times;
    const fetcher = new Fetcher(this.cluster, {
      topic, readCommitted: true, maxWaitMs: 0, partitionMaxBytes: 16 << 10, maxBytes: 1 << 20, requestTimeoutMs: timeoutMs, note: () => undefined,
    }, wanted.map((u) => ({ partition: u.partition, offset: u.offset, stopAt: u.end })));
    const timer = setTimeout(() => fetcher.stop(), timeoutMs);
    try {
      await fetcher.run(async (fetched) => {
        await fetched.walk((cursor) => {
          if (!times.has(cursor.partition)) times.set(cursor.partition, cursor.timestamp);
          return true;
        });
        return times.size < wanted.length;
      });
    } finally {
      clearTimeout(timer);
    }
    return times;
  }

  async close(): Promise<void> {
    await this.cluster.disconnect().catch(() => undefined);
  }
}
