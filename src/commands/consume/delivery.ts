// The output of a `consume --group` run and what it may commit: records are formatted and written
// to stdout, and the commit ledger remembers where each record ends in the output, so only records
// whose bytes the reader surely has are committed. A record a filter left out has no bytes: it is
// committed with the printed record before it.
import type { GroupCommits } from './commits.js';
import type { ConsumedRecord, Part, RecordFormatter } from './format.js';
import type { TopicPartition } from './topics.js';
import { tpKey } from './topics.js';
import { CommitLedger, IN_FLIGHT_BYTES, RecordWriter, isPipe, joinParts } from './writer.js';

export class Delivery {
  private readonly writer: RecordWriter;
  private readonly ledger = new CommitLedger();
  /** A reader on a pipe may close with bytes still unread; commit those only once we know it read them. */
  private readonly lagBytes: number;

  constructor(
    out: NodeJS.WritableStream,
    private readonly formatter: RecordFormatter,
    private readonly commits: GroupCommits,
    /** Fetches what the formatter needs first (the schemas of decoded records). */
    private readonly prepare?: (records: ConsumedRecord[]) => Promise<void>,
  ) {
    this.writer = new RecordWriter(out);
    this.lagBytes = isPipe(out) ? IN_FLIGHT_BYTES : 0;
  }

  /**
   * Writes the records of one partition (those `keep` marks, or all) and enters every one of them in
   * the ledger if the partition is still assigned. Resolves false once stdout is closed.
   */
  async write(tp: TopicPartition, records: ConsumedRecord[], keep: boolean[] | undefined, assigned: boolean): Promise<boolean> {
    await this.prepare?.(records);
    const parts: Part[] = [];
    const recordEnds: number[] = [];
    records.forEach((r, i) => {
      if (!keep || keep[i]) this.formatter(r, parts);
      recordEnds.push(parts.length);
    });
    const chunk = joinParts(parts, recordEnds);
    if (assigned) this.ledger.add(tpKey(tp.topic, tp.partition), this.writer.queued, chunk.ends, records.map((r) => Number(r.offset)));
    return this.writer.write(chunk.bytes);
  }

  /** Commits, during the run, every record whose bytes the reader surely has. */
  async progress(assigned: readonly TopicPartition[]): Promise<void> {
    this.commits.deliver(this.ledger.confirmed(this.writer.accepted - this.lagBytes));
    await this.commits.progress(assigned);
  }

  /** The last commit: after a clean stop the reader has everything written; after EPIPE, trust only what it surely read. */
  async final(assigned: readonly TopicPartition[]): Promise<void> {
    this.commits.deliver(this.ledger.confirmed(this.writer.accepted - (this.writer.closed ? this.lagBytes : 0)));
    await this.commits.final(assigned);
  }

  dispose(): void {
    this.writer.dispose();
  }
}
