import { UsageError } from '../../../errors.js';
import { dbError } from './errors.js';
import { connectDb } from './session.js';
import type { DbSinkSpec } from './spec.js';
import { tableColumns } from './table.js';

/**
 * Before any stage starts: each database sink's login, table and columns, and kstream_offsets
 * (created when missing). A wrong password or an unreachable server stops the run here with one
 * line and exit 3; once running, a lost connection is reconnected instead.
 */
export async function checkDbSinks(sinks: Array<{ name: string; toDb?: DbSinkSpec }>, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  for (const { name, toDb } of sinks) {
    if (!toDb) continue;
    const s = await connectDb(toDb.target, env, timeoutMs);
    try {
      const columns = await tableColumns(s, toDb.table);
      const unknown = [...(toDb.columns ?? []), ...(toDb.upsert ?? [])].filter((c) => !columns.includes(c));
      if (unknown.length) {
        throw new UsageError(`stage ${name}: table ${toDb.table.table} has no column ${[...new Set(unknown)].join(', ')}`, { hint: `its columns are ${columns.join(', ')}` });
      }
      await s.query(s.dialect.offsetsTableDdl).catch((err) => {
        throw dbError(toDb.target.kind, `stage ${name}: cannot create kstream_offsets in ${s.shown}`, err);
      });
    } finally {
      await s.close().catch(() => undefined);
    }
  }
}
