// Real PostgreSQL and MariaDB servers for the database sink's tests: each in a temp dir, on a free
// port, listening on 127.0.0.1 only, with a login `kstream` (password below) owning `tolldata`.
// PostgreSQL refuses to run as root, so as root it runs as the `postgres` user. Queries from the
// tests go through the servers' own clients (psql, mariadb), not through the driver under test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type DbKind = 'postgres' | 'mysql';

export interface TestDb {
  kind: DbKind;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The URL of the `kstream` login, without a password (tests pass it in PGPASSWORD or MYSQL_PWD). */
  url: string;
  /** The variable the sink reads the password from. */
  passwordEnv: string;
  /** Runs SQL as the superuser in `tolldata`; resolves to the result rows, columns tab-separated. */
  sql(query: string): string[];
  quote(identifier: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export const DB_PASSWORD = 'tiger-Pw-7';
const asRoot = process.getuid?.() === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], opts: { asPostgres?: boolean } = {}): string {
  const [file, argv] = opts.asPostgres && asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  // The superuser logs in without a password: the tests' own PGPASSWORD or MYSQL_PWD (the sink's login) must not apply.
  const { PGPASSWORD: _pg, MYSQL_PWD: _my, ...env } = process.env;
  const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000, env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

const lines = (out: string) => out.split('\n').filter((l) => l !== '');

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  return name;
}

const stoppers = new Set<() => void>();
// A test run that dies must not leave servers behind (pg_ctl daemonizes them).
process.once('exit', () => stoppers.forEach((stop) => stop()));

export async function startPostgres(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-pg-'));
  if (asRoot) chownSync(dir, ...postgresIds());
  const data = join(dir, 'data');
  const port = await freePort();
  run(pgBin('initdb'), ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'], { asPostgres: true });
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const ctl = (...args: string[]) => run(pgBin('pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', ...args], { asPostgres: true });
  const start = async () => void ctl('-o', options, 'start');
  const stopSync = () => spawnSync(asRoot ? 'runuser' : pgBin('pg_ctl'), [...(asRoot ? ['-u', 'postgres', '--', pgBin('pg_ctl')] : []), '-D', data, '-m', 'immediate', 'stop'], { stdio: 'ignore' });
  stoppers.add(stopSync);
  await start();
  const psql = (db: string, query: string) => run(pgBin('psql'), ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', db, '-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', query]);
  psql('postgres', `CREATE ROLE kstream LOGIN PASSWORD '${DB_PASSWORD}'`);
  psql('postgres', 'CREATE DATABASE tolldata OWNER kstream');
  return {
    kind: 'postgres', port, user: 'kstream', password: DB_PASSWORD, database: 'tolldata', passwordEnv: 'PGPASSWORD',
    url: `postgres://kstream@127.0.0.1:${port}/tolldata`,
    sql: (query) => lines(psql('tolldata', `SET ROLE kstream; ${query}`)),
    quote: (id) => `"${id}"`,
    start,
    stop: async () => void ctl('-m', 'fast', 'stop'),
    destroy: async () => {
      stopSync();
      stoppers.delete(stopSync);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresIds(): [number, number] {
  const id = (flag: string) => Number(run('id', [flag, 'postgres']).trim());
  return [id('-u'), id('-g')];
}

export async function startMariadb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-mariadb-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'sock');
  const port = await freePort();
  const user = asRoot ? ['--user=root'] : [];
  run('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user]);
  const args = [
    '--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1', `--pid-file=${join(dir, 'pid')}`,
    `--log-error=${join(dir, 'error.log')}`, '--skip-log-bin', '--innodb-flush-log-at-trx-commit=2', '--innodb-buffer-pool-size=64M', ...user,
  ];
  let server: ChildProcess | undefined;
  const client = (query: string, db = 'tolldata') => run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '-N', '-B', `-D${db}`, '-e', query]);
  const start = async () => {
    server = spawn('mariadbd', args, { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ping = spawnSync('mariadb-admin', ['--no-defaults', `--socket=${socket}`, '-uroot', 'ping'], { stdio: 'ignore' });
      if (ping.status === 0) return;
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`mariadbd did not start; see ${join(dir, 'error.log')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = async () => {
    const s = server;
    if (!s || s.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      s.once('exit', () => resolve());
      s.kill('SIGTERM');
    });
  };
  const killSync = () => server?.kill('SIGKILL');
  stoppers.add(killSync);
  await start();
  client(`CREATE DATABASE tolldata; CREATE USER 'kstream'@'%' IDENTIFIED BY '${DB_PASSWORD}'; GRANT ALL ON tolldata.* TO 'kstream'@'%';`, 'mysql');
  return {
    kind: 'mysql', port, user: 'kstream', password: DB_PASSWORD, database: 'tolldata', passwordEnv: 'MYSQL_PWD',
    url: `mysql://kstream@127.0.0.1:${port}/tolldata`,
    sql: (query) => lines(client(query)),
    quote: (id) => `\`${id}\``,
    start,
    stop,
    destroy: async () => {
      await stop();
      stoppers.delete(killSync);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const startDb = (kind: DbKind): Promise<TestDb> => (kind === 'postgres' ? startPostgres() : startMariadb());
