import type { Admin } from '../../kafka/kafkajs.js';

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * For --exit: the high watermarks of the source when the stage started, and how far the stage has
 * got. The source is drained once every partition's next offset reaches its watermark.
 */
export class Drain {
  private constructor(
    private readonly targets: Map<string, bigint>,
    private readonly positions: Map<string, bigint>,
  ) {}

  static async capture(admin: Admin, topics: string[], groupId: string): Promise<Drain> {
    const targets = new Map<string, bigint>();
    const positions = new Map<string, bigint>();
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const topic of topics) {
      const done = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const low = BigInt(p.low);
        const at = done.get(p.partition) ?? -1n;
        targets.set(key(topic, p.partition), BigInt(p.high));
        // No committed offset (or one below the log start): the stage reads from the earliest record.
        positions.set(key(topic, p.partition), at < low ? low : at);
      }
    }
    return new Drain(targets, positions);
  }

  advance(topic: string, partition: number, next: bigint): void {
    const k = key(topic, partition);
    if ((this.positions.get(k) ?? -1n) < next) this.positions.set(k, next);
  }

  /** Where a sink that stores its own offsets (a database) says the stage is. */
  resume(topic: string, partition: number, next: bigint): void {
    this.positions.set(key(topic, partition), next);
  }

  done(): boolean {
    for (const [k, target] of this.targets) if ((this.positions.get(k) ?? 0n) < target) return false;
    return true;
  }
}
