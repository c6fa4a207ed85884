// Runs docs/lab.md: every `lab:run` command in order, against the test broker, checking the outputs
// the page promises. The broker is already running, so `kstream local start` is not run.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { brokers, kstreamShim, runScript, uniqueName } from '../helpers/cli.js';
import { withTestAdmin } from '../helpers/kafka.js';
import { mismatch, parseLabPage, substitute, type LabStep } from '../helpers/lab-doc.js';

const page = parseLabPage(readFileSync(new URL('../../docs/lab.md', import.meta.url), 'utf8'));

describe('docs/lab.md', () => {
  it('runs every kstream command it shows, except starting and stopping the local broker', () => {
    expect(page.steps.length).toBeGreaterThanOrEqual(10);
    expect(page.unrun.every((c) => /^kstream local (start|stop)\b/.test(c)), page.unrun.join('\n')).toBe(true);
    expect(page.steps.filter((s) => s.expect).length).toBeGreaterThanOrEqual(8);
  });

  it("gives Kafka's script form of every step that has one", () => {
    expect(page.steps.filter((s) => s.kafka).length).toBeGreaterThanOrEqual(14);
  });

  runPage('kstream forms', { topic: uniqueName('lab'), group: uniqueName('readers') }, (step) => step.script);
  // The same page again, each step that has a Kafka form run in that form instead.
  runPage("Kafka's script forms, with kstream in place of bin/kafka-*.sh", { topic: uniqueName('labk'), group: uniqueName('readersk') }, (step) => step.kafka ?? step.script);
});

function runPage(label: string, names: { topic: string; group: string }, pick: (step: LabStep) => string): void {
  describe(label, () => {
    // The page's last step deletes both; this only matters when a step before it failed.
    afterAll(() => withTestAdmin(async (admin) => {
      await admin.deleteGroups([names.group]).catch(() => undefined);
      if ((await admin.listTopics()).includes(names.topic)) await admin.deleteTopics({ topics: [names.topic] });
    }));

    const bin = kstreamShim('kstream-lab-');
    let broken: string | undefined;
    for (const step of page.steps) {
      const source = pick(step);
      it(`line ${step.line}: ${source.split('\n')[0]}`, async (ctx) => {
        if (broken) ctx.skip();
        broken = `line ${step.line}`;
        const script = substitute(source, { ...names, brokers: brokers() });
        const r = await runScript(script, { flags: ['-euo', 'pipefail'], env: { PATH: `${bin}:${process.env.PATH}`, KSTREAM_BROKERS: brokers() } });
        expect(r.code, `${script}\nstderr:\n${r.stderr}`).toBe(0);
        if (step.expect) {
          const actual = { stdout: r.stdout, stderr: r.stderr, output: r.stderr + r.stdout }[step.expect.stream];
          const promised = substitute(step.expect.text, names);
          const why = mismatch({ ...step.expect, text: promised }, actual);
          expect(why, `${script}\n${step.expect.stream} was:\n${actual}\npromised (${step.expect.mode}):\n${promised}`).toBeUndefined();
        }
        broken = undefined;
      });
    }
  });
}
