import { spawnSync } from 'node:child_process';
import { testProducer } from './kafka.js';

export interface SeenRecord {
  partition: number;
  key: string;
  timestamp: number;
  headers: Record<string, string>;
  value: string;
}

/** Every committed record of `topic` with partition, key, timestamp and headers, read by kcat (read_committed). */
export function readCommittedRecords(brokers: string, topic: string): SeenRecord[] {
  const r = spawnSync('kcat', [
    '-C', '-b', brokers, '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed',
    '-J',
  ], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`kcat failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((line) => {
    const j = JSON.parse(line) as { partition: number; key: string; ts: number; headers?: string[]; payload: string };
    const h: Record<string, string> = {};
    for (let i = 0; i + 1 < (j.headers ?? []).length; i += 2) h[j.headers![i]!] = j.headers![i + 1]!;
    return { partition: j.partition, key: j.key, timestamp: j.ts, headers: h, value: j.payload };
  });
}

/** Writes records with chosen partitions, keys, timestamps and headers. */
export async function produceRecords(brokers: string, topic: string, records: Array<Omit<SeenRecord, 'headers'> & { headers?: Record<string, string> }>): Promise<void> {
  const producer = await testProducer(brokers);
  try {
    for (let i = 0; i < records.length; i += 2000) {
      await producer.send({
        topic,
        messages: records.slice(i, i + 2000).map((r) => ({ partition: r.partition, key: r.key, value: r.value, timestamp: String(r.timestamp), headers: r.headers })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

export const bySortKey = (a: SeenRecord, b: SeenRecord) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
