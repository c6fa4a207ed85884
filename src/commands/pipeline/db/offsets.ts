import type { DbSession } from './session.js';

/**
 * kstream_offsets(stage, topic, partition, next_offset): where each stage is, per source partition.
 * It is written in the same transaction as the stage's rows, so the rows and the position are
 * committed together or not at all: the database, not the Kafka group, says where to resume.
 * `stage` holds the stage's consumer group, which names a stage uniquely.
 */
export const partitionKey = (topic: string, partition: number) => `${topic}/${partition}`;

export async function readOffsets(s: DbSession, stage: string): Promise<Map<string, bigint>> {
  const q = s.dialect.quote;
  const r = await s.query(`SELECT topic, ${q('partition')} AS p, next_offset FROM kstream_offsets WHERE stage = ${s.dialect.param(1)}`, [stage]);
  return new Map(r.rows.map((row) => [partitionKey(String(row.topic), Number(row.p)), BigInt(String(row.next_offset))]));
}

/**
 * Moves a partition from `expected` (what this process last read or wrote; undefined: no row yet)
 * to `next`. False when the row says otherwise: another run of the stage moved it meanwhile.
 * A second run inserting the first row at the same time fails on the primary key instead.
 */
export async function saveOffset(s: DbSession, stage: string, topic: string, partition: number, expected: bigint | undefined, next: bigint): Promise<boolean> {
  const { quote: q, param: p } = s.dialect;
  if (expected === undefined) {
    await s.query(`INSERT INTO kstream_offsets (stage, topic, ${q('partition')}, next_offset) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`, [stage, topic, partition, next.toString()]);
    return true;
  }
  const r = await s.query(
    `UPDATE kstream_offsets SET next_offset = ${p(1)} WHERE stage = ${p(2)} AND topic = ${p(3)} AND ${q('partition')} = ${p(4)} AND next_offset = ${p(5)}`,
    [next.toString(), stage, topic, partition, expected.toString()],
  );
  return r.affected === 1;
}
