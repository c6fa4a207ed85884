import type { KafkaAdmin } from '../../kafka/admin/index.js';
import type { GroupConsumer } from '../../kafka/group/consumer.js';
import { ExitCode, KstreamError } from '../../errors.js';
import { fromKafkaError } from '../../kafka/errors.js';
import { committedOffsets } from './plan.js';
import { fromKey, tpKey, type TopicPartition } from './topics.js';

const keys = (tps: readonly TopicPartition[]): Set<string> => new Set(tps.map((tp) => tpKey(tp.topic, tp.partition)));

/**
 * The commits of one `consume --group` run, by partition key (tpKey). It never moves a partition's committed offset back:
 * it commits an offset only above the highest it has seen committed for that partition (by the
 * group, at the last join, or by itself), and only for partitions assigned to it.
 */
export class GroupCommits {
  /** The next offset after the last record delivered, per partition: what this run wants committed. */
  private readonly wanted = new Map<string, number>();
  /** The highest offset known committed, per partition. */
  private readonly floor = new Map<string, number>();

  constructor(
    private readonly consumer: GroupConsumer,
    private readonly admin: KafkaAdmin,
    private readonly group: string,
    private readonly topics: string[],
  ) {}

  /** The group's committed offsets now, which also become the floor. */
  async fetch(): Promise<Map<string, number>> {
    const committed = await committedOffsets(this.admin, this.group, this.topics);
    for (const [p, offset] of committed) this.raise(p, offset);
    return committed;
  }

  /** Remembers offsets whose records reached the reader. */
  deliver(next: Map<string, number>): void {
    for (const [p, offset] of next) this.wanted.set(p, Math.max(offset, this.wanted.get(p) ?? 0));
  }

  /** Commits what was delivered in `assigned` partitions and is above the floor. */
  async progress(assigned: readonly TopicPartition[]): Promise<void> {
    const mine = keys(assigned);
    const due = new Map([...this.wanted].filter(([p, o]) => mine.has(p) && o > (this.floor.get(p) ?? -1)));
    if (due.size === 0) return;
    await this.send(due);
  }

  /**
   * Makes where a partition without a committed offset starts durable, before its first record is
   * printed: a run killed before its first commit then resumes there, not at the latest offset.
   * Read back, because the group consumer drops a commit silently while it restarts.
   */
  async start(starts: Map<string, number>): Promise<void> {
    if (starts.size === 0) return;
    await this.send(starts);
    const stored = await committedOffsets(this.admin, this.group, this.topics);
    const missing = [...starts.keys()].filter((p) => !stored.has(p));
    if (missing.length > 0) throw Object.assign(new Error(`start offsets of partitions ${missing.join(', ')} not stored yet`), { retriable: true });
  }

  /**
   * The last commit of a run: everything delivered in `assigned` partitions, checked against what the
   * group has stored. Throws a KstreamError saying the offsets were not committed if it fails.
   */
  async final(assigned: readonly TopicPartition[]): Promise<void> {
    const mine = keys(assigned);
    const due = new Map([...this.wanted].filter(([p]) => mine.has(p)));
    if (due.size === 0) return;
    try {
      const behind = await this.behind(due);
      if (behind.size === 0) return;
      await this.send(behind);
      const still = await this.behind(behind);
      if (still.size > 0) throw new KstreamError('the group coordinator did not store them (the consumer was reconnecting)');
    } catch (err) {
      throw this.failed(err);
    }
  }

  private async behind(due: Map<string, number>): Promise<Map<string, number>> {
    // One try (the client retries within it): a stop during an outage must not wait out a long retry loop.
    const stored = await committedOffsets(this.admin, this.group, this.topics, 1);
    return new Map([...due].filter(([p, o]) => (stored.get(p) ?? -1) < o));
  }

  private async send(offsets: Map<string, number>): Promise<void> {
    await this.consumer.commit([...offsets].map(([key, offset]) => ({ ...fromKey(key), offset: String(offset) })));
    for (const [p, offset] of offsets) this.raise(p, offset);
  }

  private raise(partition: string, offset: number): void {
    if (offset > (this.floor.get(partition) ?? -1)) this.floor.set(partition, offset);
  }

  private failed(err: unknown): KstreamError {
    const cause = fromKafkaError(err);
    return new KstreamError(`could not commit the offsets of group '${this.group}': ${cause.message}`, {
      exitCode: cause.exitCode === ExitCode.CONNECTION ? ExitCode.CONNECTION : ExitCode.KAFKA,
      hint: 'the next run of this group prints again the records printed since its last commit',
      cause: err,
    });
  }
}
