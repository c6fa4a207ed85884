// The database sink's end-to-end tests, run once against PostgreSQL and once against MariaDB
// (test/integration/pipeline-db-*.test.ts): real servers from ./databases.ts, the test broker, the built CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from './cli.js';
import { startDb, type DbKind, type TestDb } from './databases.js';
import { createTopicsOn, killSpawned, produceValues, spawnCli, waitFor } from './pipeline.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TYPES = ['car', 'car', 'car', 'truck', 'van', 'car', 'motorcycle'];
const pad = (n: number) => String(n).padStart(2, '0');
const BASE = Date.UTC(2026, 11, 1, 22, 40, 47);

/** Python's time.ctime() of the classic generator (UTC): 'Tue Dec  1 22:40:47 2026'. */
function ctime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export interface Toll {
  line: string;
  /** The row as the test reads it back: timestamp, vehicle_id, vehicle_type, toll_plaza_id. */
  row: string;
}

/** The generator's lines `ctime,vehicle_id,vehicle_type,plaza_id`, each vehicle id once. */
export function tollLines(n: number, from = 0): Toll[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const ms = BASE + i * 1000;
    const d = new Date(ms);
    const ts = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const [id, type, plaza] = [100_000 + i, TYPES[i % TYPES.length]!, 4000 + (i % 11)];
    return { line: `${ctime(ms)},${id},${type},${plaza}`, row: `${ts}\t${id}\t${type}\t${plaza}` };
  });
}

/** The assignment's conversion, as a --map: ctime to '%Y-%m-%d %H:%M:%S', one JSON object per row. */
export const TOLL_MAP = `(([t, id, type, plaza]) => JSON.stringify({ timestamp: new Date(t + ' UTC').toISOString().slice(0, 19).replace('T', ' '), vehicle_id: id, vehicle_type: type, toll_plaza_id: plaza }))(r.value.split(','))`;

const TOLL_TABLE = (q: (s: string) => string, kind: DbKind, table: string, key = '') =>
  `CREATE TABLE ${table} (${q('timestamp')} ${kind === 'postgres' ? 'timestamp' : 'datetime'}, vehicle_id int${key}, vehicle_type char(15), toll_plaza_id smallint)`;

export function dbSinkSuite(kind: DbKind): void {
  describe(`pipeline run --to-db ${kind}`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await startDb(kind);
      // What a user would export; the CLI runs spawned by these tests inherit it.
      process.env[db.passwordEnv] = db.password;
    });
    afterAll(async () => {
      killSpawned();
      await db?.destroy();
    });

    const q = (s: string) => db.quote(s);
    const newTable = (key = '') => {
      const table = uniqueName('livetolldata').replace(/-/g, '_');
      db.sql(TOLL_TABLE(q, kind, table, key));
      return table;
    };
    const rows = (table: string) =>
      db.sql(`SELECT ${q('timestamp')}, vehicle_id, ${kind === 'postgres' ? 'rtrim(vehicle_type)' : 'vehicle_type'}, toll_plaza_id FROM ${table}`);
    const count = (table: string) => Number(db.sql(`SELECT count(*) FROM ${table}`)[0]);
    const expectExactly = (table: string, tolls: Toll[]) => {
      const got = rows(table);
      expect(got.length).toBe(tolls.length);
      expect(new Set(got).size).toBe(tolls.length);
      expect([...got].sort()).toEqual(tolls.map((t) => t.row).sort());
    };
    const topicWith = async (tolls: Toll[], partitions = 2) => {
      const topic = uniqueName('toll');
      await createTopicsOn(brokers(), [topic], partitions);
      await produceValues(brokers(), topic, tolls.map((t) => t.line));
      return topic;
    };

    it('loads the toll assignment: ctime converted by --map, one row per line, offsets in kstream_offsets', async () => {
      const tolls = tollLines(500);
      const topic = await topicWith(tolls);
      const table = newTable();
      const metrics = join(mkdtempSync(join(tmpdir(), 'kstream-db-')), 'metrics.json');
      const r = await runCli(['pipeline', 'run', '--from', topic, '--map', TOLL_MAP, '--to-db', db.url, '--table', table, '--batch-size', '100', '--exit', '--metrics-json', metrics]);
      expect(r.code, r.stderr).toBe(0);
      expectExactly(table, tolls);
      const offsets = db.sql(`SELECT ${q('partition')}, next_offset FROM kstream_offsets WHERE topic = '${topic}'`);
      expect(offsets.reduce((n, l) => n + Number(l.split('\t')[1]), 0)).toBe(500);
      const figures = JSON.parse(readFileSync(metrics, 'utf8')).stages[0];
      expect(figures.counters.rowsWritten).toBe(500);
      // Run again: the database says everything is done, so nothing is inserted twice.
      const again = await runCli(['pipeline', 'run', '--from', topic, '--map', TOLL_MAP, '--to-db', db.url, '--table', table, '--exit']);
      expect(again.code, again.stderr).toBe(0);
      expect(count(table)).toBe(500);
    }, 120_000);

    it('after kill -9 in the middle and a restart, holds exactly the input rows (a pipeline file with to-db)', async () => {
      const tolls = tollLines(6000);
      const topic = await topicWith(tolls, 3);
      const table = newTable();
      const file = join(mkdtempSync(join(tmpdir(), 'kstream-db-')), 'pipeline.yaml');
      // A pause per batch of 100: at least 60 transactions of 0.1 s, so the cut lands in the middle.
      writeFileSync(file, [
        // A group of its own: the stage's default group comes from its name, the same in every test file.
        `inputs: [${topic}]`, 'stages:', '  load:', `    from: ${topic}`, `    group: ${uniqueName('load')}`, '    batch-size: 100', '    steps:',
        `      - exec: "sleep 0.1; cat"`, `      - map: ${JSON.stringify(TOLL_MAP)}`, `    to-db: ${db.url}`, `    table: ${table}`, '',
      ].join('\n'));
      const first = spawnCli(['pipeline', 'run', '-f', file], brokers());
      await waitFor('rows of the first run', async () => count(table) >= 500);
      first.child.kill('SIGKILL');
      await first.exited;
      const before = count(table);
      expect(before).toBeLessThan(tolls.length);
      const second = await runCli(['pipeline', 'run', '-f', file, '--exit'], { killAfterMs: 180_000 });
      expect(second.code, second.stderr).toBe(0);
      expectExactly(table, tolls);
    }, 240_000);

    it('writes each row once while a second run of the same stage joins and the partitions move between them', async () => {
      const tolls = tollLines(4000, 50_000);
      const topic = await topicWith(tolls, 3);
      const table = newTable();
      const args = ['pipeline', 'run', '--from', topic, '--exec', 'sleep 0.1; cat', '--map', TOLL_MAP, '--to-db', db.url, '--table', table, '--batch-size', '100'];
      const first = spawnCli(args, brokers());
      await waitFor('rows of the first run', async () => count(table) >= 300);
      const second = spawnCli(args, brokers());
      await waitFor('every row', async () => count(table) >= tolls.length, 180_000)
        .catch((err) => { throw new Error(`${(err as Error).message}; stderr: ${first.output().stderr}\n${second.output().stderr}`); });
      first.child.kill('SIGINT');
      second.child.kill('SIGINT');
      await Promise.all([first.exited, second.exited]);
      expectExactly(table, tolls);
    }, 240_000);

    it('reconnects when the database is stopped and started in the middle, and resumes from its own offsets', async () => {
      const tolls = tollLines(2000, 10_000);
      const topic = await topicWith(tolls.slice(0, 1000));
      const table = newTable();
      const run = spawnCli(['pipeline', 'run', '--from', topic, '--map', TOLL_MAP, '--to-db', db.url, '--table', table, '--batch-size', '100'], brokers());
      await waitFor('the first half', async () => count(table) === 1000);
      await db.stop();
      try {
        await produceValues(brokers(), topic, tolls.slice(1000).map((t) => t.line));
        await waitFor('a reconnect warning', async () => /reconnecting in/.test(run.output().stderr), 60_000)
          .catch((err) => { throw new Error(`${(err as Error).message}; stderr: ${run.output().stderr}`); });
      } finally {
        await db.start();
      }
      await waitFor('the second half', async () => count(table) >= 2000)
        .catch((err) => { throw new Error(`${(err as Error).message}; stderr: ${run.output().stderr}`); });
      run.child.kill('SIGINT');
      const exit = await run.exited;
      expect(exit.code, run.output().stderr).toBe(130);
      expectExactly(table, tolls);
    }, 240_000);

    it('sends a row the database rejects to --dlq with its message, and writes the rest of the batch', async () => {
      const tolls = tollLines(50, 20_000);
      const bad = { line: tolls[7]!.line.replace(/,1\d{5},/, ',x17,') };
      const topic = await topicWith([...tolls.slice(0, 7), bad as Toll, ...tolls.slice(8)], 1);
      const dlq = uniqueName('toll-dlq');
      await createTopicsOn(brokers(), [dlq], 1);
      const table = newTable();
      const r = await runCli(['pipeline', 'run', '--from', topic, '--map', TOLL_MAP, '--to-db', db.url, '--table', table, '--dlq', dlq, '--retries', '1', '--exit']);
      expect(r.code, r.stderr).toBe(0);
      expectExactly(table, [...tolls.slice(0, 7), ...tolls.slice(8)]);
      const dead = spawnSync('kcat', ['-C', '-b', brokers(), '-t', dlq, '-o', 'beginning', '-e', '-q', '-f', '%h\\t%s\\n'], { encoding: 'utf8' }).stdout.trim().split('\n');
      expect(dead).toHaveLength(1);
      expect(dead[0]).toContain(bad.line);
      expect(dead[0]).toMatch(kind === 'postgres' ? /kstream-error=PostgreSQL: invalid input syntax for type integer: "x17"/ : /kstream-error=MySQL: Incorrect integer value: 'x17'/);
      expect(dead[0]).toContain('kstream-source-offset=7');
    }, 120_000);

    it('without --dlq, stops naming the row and commits nothing of its batch', async () => {
      const tolls = tollLines(50, 30_000);
      const lines = tolls.map((t) => t.line);
      lines[12] = lines[12]!.replace(/,1\d{5},/, ',x12,');
      const topic = uniqueName('toll');
      await createTopicsOn(brokers(), [topic], 1);
      await produceValues(brokers(), topic, lines);
      const table = newTable();
      const r = await runCli(['pipeline', 'run', '--from', topic, '--map', TOLL_MAP, '--to-db', db.url, '--table', table, '--retries', '0', '--exit']);
      expect(r.code).toBe(1);
      const last = r.stderr.trim().split('\n').filter((l) => l.startsWith('error:'));
      expect(last).toHaveLength(1);
      expect(last[0]).toContain(`rejected the row from ${topic} partition 0 offset 12`);
      expect(last[0]).toContain(`stopped at ${topic} partition 0 offsets 0-49, not committed`);
      expect(count(table)).toBe(0);
      expect(db.sql(`SELECT count(*) FROM kstream_offsets WHERE topic = '${topic}'`)).toEqual(['0']);
    }, 120_000);

    it('--upsert keeps one row per key, the last one, also when the topic is read again from the start', async () => {
      const tolls = tollLines(300, 40_000);
      // Each vehicle passes three plazas; the last pass wins.
      const passes = [0, 1, 2].flatMap((k) => tolls.map((t) => t.line.replace(/,(\d+)$/, `,${4100 + k}`)));
      const topic = uniqueName('toll');
      await createTopicsOn(brokers(), [topic], 1);
      await produceValues(brokers(), topic, passes);
      const table = newTable(' PRIMARY KEY');
      const chain = (group: string) => ['pipeline', 'run', `topic:${topic} | map:${TOLL_MAP} | db:${db.url}?table=${table}&upsert=vehicle_id`, '--group', group, '--batch-size', '500', '--exit'];
      for (const group of [uniqueName('g'), uniqueName('g')]) {
        const r = await runCli(chain(group));
        expect(r.code, r.stderr).toBe(0);
        expectExactly(table, tolls.map((t) => ({ ...t, row: t.row.replace(/\t\d+$/, '\t4102') })));
      }
    }, 120_000);

    it('refuses a wrong password with one line and exit 3, never showing the password', async () => {
      const table = newTable();
      const topic = await topicWith(tollLines(1), 1);
      const env = { [db.passwordEnv]: 'Wrong-Secret-42' };
      const r = await runCli(['pipeline', 'run', '--from', topic, '--to-db', db.url, '--table', table, '--exit'], { env });
      expect(r.code).toBe(3);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: cannot connect to .*kstream@127\.0\.0\.1:\d+\/tolldata: .*(password authentication failed|Access denied)/);
      expect(r.stderr).not.toContain('Wrong-Secret-42');
      const inUrl = db.url.replace('kstream@', 'kstream:Url-Secret-43@');
      const verbose = await runCli(['pipeline', 'run', '--from', topic, '--to-db', inUrl, '--table', table, '--exit', '--verbose'], { env: { [db.passwordEnv]: undefined } });
      expect(verbose.code).toBe(3);
      expect(verbose.stderr).toContain('kstream:***@');
      expect(verbose.stderr).not.toContain('Url-Secret-43');
    }, 60_000);
  });
}
