import type { KafkaAdmin } from '../../kafka/admin/index.js';

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

  /** `stopAt`: earlier ends than the watermarks, per partition (a copy's --until). */
  static async capture(admin: KafkaAdmin, topics: string[], groupId: string, stopAt: Array<{ topic: string; partition: number; offset: bigint }> = []): Promise<Drain> {
    const ends = new Map(stopAt.map((s) => [key(s.topic, s.partition), s.offset]));
    const targets = new Map<string, bigint>();
    const positions = new Map<string, bigint>();
    const committed = await admin.committedOffsets(groupId, topics);
    for (const topic of topics) {
      const done = committed.get(topic);
      for (const p of await admin.watermarks(topic)) {
        const low = BigInt(p.low);
        const c = done?.get(p.partition);
        const at = c === undefined ? -1n : BigInt(c);
        const end = ends.get(key(topic, p.partition));
        targets.set(key(topic, p.partition), end !== undefined && end < BigInt(p.high) ? end : BigInt(p.high));
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
