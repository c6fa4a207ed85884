// Loading into PostgreSQL: the exactly-once sink (--to-db, CSV rows) against the same records piped
// to `psql -c "\copy …"` by --to-exec (at least once), and against `psql \copy` of the file itself
// (no Kafka at all: the floor, in the kcat column of the table). Needs PostgreSQL's server binaries (scripts/test-deps-db.sh);
// KSTREAM_BENCH_PG=postgres://USER@HOST:PORT/DB (password in PGPASSWORD) uses a running server instead.
import { spawnSync } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KSTREAM, rate, timeShell } from './lib.js';

const PARTITIONS = 3;
const TYPES = ['car', 'car', 'car', 'truck', 'van', 'car', 'motorcycle'];

export async function run({ brokers, records, work }) {
  const pg = process.env.KSTREAM_BENCH_PG ? { url: process.env.KSTREAM_BENCH_PG, stop() {} } : startPostgres(mkdtempSync(join(tmpdir(), 'kstream-bench-pg-')));
  if (!pg) {
    console.error('bench: no PostgreSQL server binaries; skipping the database sink (see scripts/test-deps-db.sh)');
    return [];
  }
  try {
    const lines = await tollLines(join(work, `toll-${records}.csv`), records);
    const env = { KSTREAM_BROKERS: brokers };
    const src = `bench-db-${Date.now().toString(36)}`;
    await timeShell(`node ${KSTREAM} topics create ${src} --partitions ${PARTITIONS} --if-not-exists`, { env });
    await timeShell(`kcat -P -b ${brokers} -t ${src} -X linger.ms=50 < ${lines}`);
    const psql = (sql) => timeShell(`psql '${pg.url}' -X -q -At -v ON_ERROR_STOP=1 -c ${shellQuote(sql)}`);
    const table = async (name) => {
      await psql(`CREATE TABLE ${name} ("timestamp" timestamp, vehicle_id int, vehicle_type char(15), toll_plaza_id smallint)`);
      return name;
    };
    const loaded = async (name, seconds, what) => {
      const got = Number((await psql(`SELECT count(*) FROM ${name}`)).stdout.trim());
      if (got !== records) throw new Error(`${what} loaded ${got} of ${records} rows`);
      return rate(records, seconds);
    };
    const copyFile = await table('bench_copy');
    const floor = await loaded(copyFile, (await psql(`\\copy ${copyFile} from '${lines}' with (format csv)`)).seconds, 'psql \\copy');
    const viaSink = await table('bench_sink');
    const sink = await timeShell(`node ${KSTREAM} pipeline run --from ${src} --to-db '${pg.url}' --table ${viaSink} --db-format csv --batch-size 10000 --exit`, { env });
    const rows = [{ case: 'pipeline --to-db postgres (EOS)', kstream: await loaded(viaSink, sink.seconds, '--to-db'), kcat: floor }];
    const viaExec = await table('bench_exec');
    const command = `psql '${pg.url}' -X -q -v ON_ERROR_STOP=1 -c "\\copy ${viaExec} from stdin with (format csv)"`;
    try {
      const exec = await timeShell(`node ${KSTREAM} pipeline run --from ${src} --to-exec ${shellQuote(command)} --batch-size 10000 --exit`, { env });
      rows.push({ case: "--to-exec 'psql \\copy' (ALO)", kstream: await loaded(viaExec, exec.seconds, '--to-exec'), kcat: floor });
    } catch (err) {
      console.error(`bench: --to-exec psql failed: ${err.message.split('\n').at(-1)}`);
      rows.push({ case: "--to-exec 'psql \\copy' (ALO)", kstream: 'failed', kcat: floor });
    }
    return rows;
  } finally {
    pg.stop();
  }
}

const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

async function tollLines(path, count) {
  if (existsSync(path)) return path;
  const out = createWriteStream(path);
  const base = Date.UTC(2025, 11, 1, 22, 40, 47);
  for (let i = 0; i < count; i++) {
    const ts = new Date(base + i * 1000).toISOString().slice(0, 19).replace('T', ' ');
    if (!out.write(`${ts},${100000 + i},${TYPES[i % TYPES.length]},${4000 + (i % 11)}\n`)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return path;
}

/** A throwaway server in its own temp dir, as in test/helpers/databases.ts (as the postgres user when run as root). */
function startPostgres(dir) {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)).find((v) => existsSync(join(root, v, 'bin', 'initdb'))) : undefined;
  if (!version) return undefined;
  const bin = (name) => join(root, version, 'bin', name);
  const asRoot = process.getuid?.() === 0;
  const sh = (cmd, args) => {
    const r = spawnSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  };
  if (asRoot) {
    const id = (f) => Number(spawnSync('id', [f, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  const port = 20000 + Math.floor(Math.random() * 20000);
  sh(bin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // Durable commits, as a real database would have: the exactly-once sink commits once per batch.
  sh(bin('pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: () => {
    sh(bin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  } };
}
