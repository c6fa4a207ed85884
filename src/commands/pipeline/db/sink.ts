import { KstreamError } from '../../../errors.js';
import { KafkaAdmin } from '../../../kafka/admin/index.js';
import type { KafkaClient } from '../../../kafka/client.js';
import type { GroupConsumer } from '../../../kafka/group/consumer.js';
import { MessageProducer } from '../../../kafka/message-producer.js';
import type { StageMetrics } from '../metrics.js';
import { TransformError, type PipeRecord } from '../record.js';
import { deadLetterMessage, type BatchOffsets, type Sink } from '../sinks.js';
import { insertSql, jsonInsertSql } from './dialect.js';
import { classify, dbError, dbMessage, DbUnavailableError } from './errors.js';
import { partitionKey, readOffsets, saveOffset } from './offsets.js';
import { describeOrigin, toRowGroups, type Row, type RowGroup, type RowOptions } from './rows.js';
import { connectDb, type DbSession } from './session.js';
import type { DbSinkSpec } from './spec.js';
import { tableColumns } from './table.js';

export interface DbSinkOptions {
  spec: DbSinkSpec;
  /** The key of this stage in kstream_offsets: its consumer group. */
  stage: string;
  /** The stage's name, for messages. */
  name: string;
  from: string[];
  dlq?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  metrics: StageMetrics;
  warn(line: string): void;
  /**
   * The stage's next offset per partition (`topic/partition`), shared by its workers; the database's
   * offsets are loaded into it when `seed` is set (the first worker of each connect).
   */
  positions: Map<string, bigint>;
  seed: boolean;
}

/** Where a source partition resumes: the database's offset, or the log start if it has none. */
export interface ResumePoint {
  topic: string;
  partition: number;
  next: bigint;
}

export type DbSink = Sink & { resumeAt: ResumePoint[] };

/**
 * A database as the sink, exactly once: each micro-batch's rows and its source offsets are written in
 * one transaction (rows in prepare, offsets and COMMIT in commit). The consumer group is committed
 * afterwards only so that `groups describe` shows lag; on start the stage resumes from the database.
 */
export async function dbSink(kafka: KafkaClient, consumer: GroupConsumer, o: DbSinkOptions): Promise<DbSink> {
  const session = await connectDb(o.spec.target, o.env, o.timeoutMs);
  let producer: MessageProducer | undefined;
  try {
    const columns = o.spec.format === 'csv' && !o.spec.columns ? await tableColumns(session, o.spec.table) : [];
    const stored = await readOffsets(session, o.stage).catch((err) => {
      throw dbError(o.spec.target.kind, `stage ${o.name}: cannot read kstream_offsets in ${session.shown}`, err);
    });
    if (o.seed) seed(o.positions, o.from, stored);
    const resumeAt = await startPositions(kafka, o.from, stored);
    if (o.dlq) {
      producer = new MessageProducer(kafka);
      await producer.connect();
    }
    const writer = new DbWriter(session, consumer, producer, o, columns);
    return {
      resumeAt,
      prepare: (outputs) => writer.prepare(outputs),
      commit: (outputs, offsets) => writer.commit(offsets),
      deadLetter: (inputs, error, offsets, topic) => writer.deadLetter(inputs, error, offsets, topic),
      close: () => writer.close(),
    };
  } catch (err) {
    await session.close().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    throw err;
  }
}

/** The database is the truth: what this process remembered for these topics is replaced by it. */
function seed(positions: Map<string, bigint>, from: string[], stored: Map<string, bigint>): void {
  for (const key of [...positions.keys()]) if (from.some((t) => key.startsWith(`${t}/`))) positions.delete(key);
  for (const [key, next] of stored) if (from.some((t) => key.startsWith(`${t}/`))) positions.set(key, next);
}

async function startPositions(kafka: KafkaClient, from: string[], stored: Map<string, bigint>): Promise<ResumePoint[]> {
  const admin = await KafkaAdmin.on(kafka);
  try {
    const points: ResumePoint[] = [];
    for (const topic of from) {
      for (const p of await admin.watermarks(topic)) {
        points.push({ topic, partition: p.partition, next: stored.get(partitionKey(topic, p.partition)) ?? BigInt(p.low) });
      }
    }
    return points;
  } finally {
    await admin.close();
  }
}

/** Most rows in one INSERT: within the protocol's parameter limit, and statements of a sensible size. */
const MAX_ROWS = 2000;
const PG_JSON_ROWS = 10_000;

interface Rejected {
  row: Row;
  message: string;
}

class DbWriter {
  private open = false;
  private rows = 0;
  /** The outputs and message of the last batch the database rejected, for deadLetter. */
  private rejected?: { outputs: PipeRecord[]; message: string };
  private readonly rowOpts: RowOptions;
  private readonly product: string;

  constructor(
    private s: DbSession,
    private readonly consumer: GroupConsumer,
    private readonly producer: MessageProducer | undefined,
    private readonly o: DbSinkOptions,
    private readonly tableColumns: string[],
  ) {
    // Every statement's failure that is not about its rows becomes kstream's error for it at once.
    const query = s.query;
    this.s = { ...s, query: (sql, params) => query(sql, params).catch((err) => {
      throw classify(s.dialect.kind, err) === 'data' ? err : dbError(s.dialect.kind, s.shown, err);
    }) };
    this.rowOpts = { format: o.spec.format, columns: o.spec.columns, upsert: o.spec.upsert };
    this.product = s.dialect.product;
  }

  /** Inserts the batch's rows in a new transaction, left open for commit. */
  async prepare(outputs: PipeRecord[]): Promise<void> {
    await this.rollback();
    this.rejected = undefined;
    let groups: RowGroup[];
    try {
      groups = toRowGroups(outputs, this.rowOpts, this.tableColumns);
    } catch (err) {
      if (err instanceof TransformError) this.rejected = { outputs, message: err.message };
      throw err;
    }
    if (groups.length === 0) return;
    await this.begin();
    try {
      for (const g of groups) await this.insert(g.columns, g.rows);
      this.rows = groups.reduce((n, g) => n + g.rows.length, 0);
    } catch (err) {
      if (classify(this.s.dialect.kind, err) !== 'data') throw await this.failed(err);
      // Name the row, not just the batch: find the first one the database refuses.
      await this.rollback();
      await this.begin();
      const first = (await this.isolateAll(groups, 1))[0];
      await this.rollback();
      const message = first
        ? `${this.product} rejected the row from ${describeOrigin(first.row.record.origin)}: ${first.message}`
        : `${this.product} rejected the batch: ${dbMessage(err)}`;
      this.rejected = { outputs, message };
      throw new TransformError(message);
    }
  }

  /** Stores the batch's offsets in its transaction and commits it. */
  async commit(offsets: BatchOffsets): Promise<void> {
    await this.commitWith(offsets, this.rows);
  }

  /**
   * After the retries: the rows the database refuses go to the dead-letter topic with its message;
   * the rest are written, with the offsets, in one transaction. A failure that was not the database's
   * (a transform) sends the whole batch, as other sinks do.
   */
  async deadLetter(inputs: PipeRecord[], error: string, offsets: BatchOffsets, topic: string): Promise<void> {
    await this.rollback();
    const ours = this.rejected?.message === error ? this.rejected.outputs : undefined;
    this.rejected = undefined;
    // The dead-letter topic gets the record as it was read, where --map kept its origin.
    const read = new Map(inputs.map((r) => [r.origin?.offset, r]));
    const source = (r: PipeRecord) => (r.origin ? read.get(r.origin.offset) ?? r : r);
    let dead: Array<{ record: PipeRecord; message: string }>;
    let written = 0;
    if (!ours) {
      dead = inputs.map((record) => ({ record, message: error }));
    } else {
      const { good, bad } = this.splitConvertible(ours);
      const groups = toRowGroups(good, this.rowOpts, this.tableColumns);
      await this.begin();
      const refused = await this.isolateAll(groups, Infinity);
      written = groups.reduce((n, g) => n + g.rows.length, 0) - refused.length;
      dead = [...bad, ...refused.map((x) => ({ record: x.row.record, message: `${this.product}: ${x.message}` }))].map((d) => ({ ...d, record: source(d.record) }));
    }
    try {
      if (dead.length) await this.producer!.send(topic, dead.map((d) => deadLetterMessage(d.record, d.message)));
    } catch (err) {
      await this.rollback();
      throw err;
    }
    if (ours) this.o.warn(`stage ${this.o.name}: ${this.product} refused ${dead.length} row${dead.length === 1 ? '' : 's'}, sent to ${topic}; wrote the other ${written} of the batch`);
    await this.commitWith(offsets, written);
  }

  async close(): Promise<void> {
    await this.rollback();
    await this.s.close().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  private async commitWith(offsets: BatchOffsets, rows: number): Promise<void> {
    const { topic, partition, next } = offsets;
    try {
      if (!this.open) await this.begin();
      const expected = this.o.positions.get(partitionKey(topic, partition));
      // A rejected offsets row can only mean a primary-key clash: another run inserted it first.
      const saved = await saveOffset(this.s, this.o.stage, topic, partition, expected, next).catch((err) => {
        if (err instanceof KstreamError) throw err;
        return false;
      });
      if (!saved) throw new DbUnavailableError(this.movedBy(topic, partition));
      await this.s.query('COMMIT');
      this.open = false;
    } catch (err) {
      throw await this.failed(err);
    } finally {
      this.rows = 0;
    }
    this.o.metrics.add('rowsWritten', rows);
    // Only for `groups describe` and lag: a failure here loses nothing, the next batch commits again.
    await this.consumer.commit([{ topic, partition, offset: next.toString() }]).catch(() => undefined);
  }

  private movedBy(topic: string, partition: number): string {
    return `another run of this stage moved ${topic} partition ${partition} in kstream_offsets meanwhile`;
  }

  private splitConvertible(outputs: PipeRecord[]): { good: PipeRecord[]; bad: Array<{ record: PipeRecord; message: string }> } {
    const good: PipeRecord[] = [];
    const bad: Array<{ record: PipeRecord; message: string }> = [];
    for (const r of outputs) {
      try {
        toRowGroups([r], { ...this.rowOpts, upsert: undefined }, this.tableColumns);
        good.push(r);
      } catch (err) {
        if (!(err instanceof TransformError)) throw err;
        bad.push({ record: r, message: err.message });
      }
    }
    return { good, bad };
  }

  private async insert(columns: string[], rows: Row[]): Promise<void> {
    const d = this.s.dialect;
    if (d.kind === 'postgres') {
      // The whole chunk as one JSON parameter, turned into typed rows by the server: one parse
      // instead of thousands of placeholders, and the column types come from the table.
      for (let i = 0; i < rows.length; i += PG_JSON_ROWS) {
        const chunk = rows.slice(i, i + PG_JSON_ROWS).map((r) => Object.fromEntries(columns.map((c, j) => [c, r.values[j]])));
        await this.s.query(jsonInsertSql(this.o.spec.table, columns, this.o.spec.upsert), [JSON.stringify(chunk)]);
      }
      return;
    }
    const per = Math.max(1, Math.min(MAX_ROWS, Math.floor(d.maxParams / columns.length)));
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      await this.s.query(insertSql(d, this.o.spec.table, columns, chunk.length, this.o.spec.upsert), chunk.flatMap((r) => r.values.map(d.cell)));
    }
  }

  /** Rows of `groups` the database refuses, up to `limit`, found by halving; the others stay inserted. */
  private async isolateAll(groups: RowGroup[], limit: number): Promise<Rejected[]> {
    const out: Rejected[] = [];
    for (const g of groups) {
      if (out.length >= limit) break;
      await this.isolate(g.columns, g.rows, out, limit);
    }
    return out;
  }

  private async isolate(columns: string[], rows: Row[], out: Rejected[], limit: number): Promise<void> {
    if (rows.length === 0 || out.length >= limit) return;
    await this.s.query('SAVEPOINT kstream_rows');
    try {
      await this.insert(columns, rows);
      await this.s.query('RELEASE SAVEPOINT kstream_rows');
      return;
    } catch (err) {
      if (classify(this.s.dialect.kind, err) !== 'data') throw await this.failed(err);
      await this.s.query('ROLLBACK TO SAVEPOINT kstream_rows');
      if (rows.length === 1) {
        out.push({ row: rows[0]!, message: dbMessage(err) });
        return;
      }
    }
    const half = Math.ceil(rows.length / 2);
    await this.isolate(columns, rows.slice(0, half), out, limit);
    await this.isolate(columns, rows.slice(half), out, limit);
  }

  private async begin(): Promise<void> {
    await this.s.query('BEGIN');
    this.open = true;
  }

  private async rollback(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.s.query('ROLLBACK').catch(() => undefined);
  }

  /** A failure that is not about the rows: the transaction is abandoned and the error says what to do. */
  private async failed(err: unknown): Promise<KstreamError> {
    await this.rollback();
    if (err instanceof KstreamError) return err;
    return dbError(this.s.dialect.kind, this.s.shown, err);
  }
}
