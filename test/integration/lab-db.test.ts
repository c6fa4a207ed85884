// Runs docs/lab-db.md: every `lab:run` command in order, against the test broker and a PostgreSQL
// server of this file's own, checking the outputs the page promises.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokers, kstreamShim, runScript, uniqueName } from '../helpers/cli.js';
import { startPostgres, type TestDb } from '../helpers/databases.js';
import { withTestAdmin } from '../helpers/kafka.js';
import { mismatch, parseLabPage } from '../helpers/lab-doc.js';

const page = parseLabPage(readFileSync(new URL('../../docs/lab-db.md', import.meta.url), 'utf8'));
const topic = uniqueName('toll');
const PAGE_URL = 'postgres://etl@localhost:5432/tolldata';

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

  const bin = kstreamShim('kstream-lab-db-');
  const substitute = (text: string) => text.split(PAGE_URL).join(db.url).replace(/\btoll\b(?!\.csv|%)/g, topic);
  let broken: string | undefined;
  for (const step of page.steps) {
    it(`line ${step.line}: ${step.script.split('\n')[0]}`, async (ctx) => {
      if (broken) ctx.skip();
      broken = `line ${step.line}`;
      const script = substitute(step.script);
      const r = await runScript(script, {
        flags: ['-euo', 'pipefail'],
        cwd: bin,
        env: { PATH: `${bin}:${process.env.PATH}`, KSTREAM_BROKERS: brokers(), PGPASSWORD: db.password, TZ: 'UTC' },
      });
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
