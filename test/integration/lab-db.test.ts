// Runs docs/lab-db.md: every `lab:run` command in order, against the test broker and a PostgreSQL
// server of this file's own, checking the outputs the page promises.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, brokers, uniqueName } from '../helpers/cli.js';
import { startPostgres, type TestDb } from '../helpers/databases.js';
import { withTestAdmin } from '../helpers/kafka.js';
import { mismatch, parseLabPage } from '../helpers/lab-doc.js';

const page = parseLabPage(readFileSync(new URL('../../docs/lab-db.md', import.meta.url), 'utf8'));
const topic = uniqueName('toll');
const PAGE_URL = 'postgres://etl@localhost:5432/tolldata';

/** A `kstream` on PATH that runs this build, as `npm link` would. */
function shimDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-lab-db-'));
  writeFileSync(join(dir, 'kstream'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(dir, 'kstream'), 0o755);
  return dir;
}

function runScript(script: string, bin: string, db: TestDb): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, KSTREAM_BROKERS: brokers(), NO_COLOR: '1', PGPASSWORD: db.password, TZ: 'UTC' };
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { env, cwd: bin, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

describe('docs/lab-db.md', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await startPostgres();
  });
  afterAll(async () => {
    await db?.destroy();
    await withTestAdmin(async (admin) => {
      if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
    });
  });

  it('runs every kstream command it shows, except starting the local broker', () => {
    expect(page.steps.length).toBeGreaterThanOrEqual(6);
    expect(page.unrun.every((c) => /^kstream (local start|pipeline run .*--to-db mysql:)/.test(c)), page.unrun.join('\n')).toBe(true);
    expect(page.steps.filter((s) => s.expect).length).toBeGreaterThanOrEqual(3);
  });

  const bin = shimDir();
  const substitute = (text: string) => text.split(PAGE_URL).join(db.url).replace(/\btoll\b(?!\.csv|%)/g, topic);
  let broken: string | undefined;
  for (const step of page.steps) {
    it(`line ${step.line}: ${step.script.split('\n')[0]}`, async (ctx) => {
      if (broken) ctx.skip();
      broken = `line ${step.line}`;
      const script = substitute(step.script);
      const r = await runScript(script, bin, db);
      expect(r.code, `${script}\nstderr:\n${r.stderr}`).toBe(0);
      if (step.expect) {
        const actual = { stdout: r.stdout, stderr: r.stderr, output: r.stderr + r.stdout }[step.expect.stream];
        const why = mismatch(step.expect, actual);
        expect(why, `${script}\n${step.expect.stream} was:\n${actual}\npromised (${step.expect.mode}):\n${step.expect.text}`).toBeUndefined();
      }
      broken = undefined;
    });
  }
});
