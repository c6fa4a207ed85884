// `groups describe --watch` and `kstream top`: JSON lines when piped, a screen redrawn in place in a
// pseudo-terminal (tmux, one server per session as in topics-create-tty.test.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, brokers, runCli, uniqueName } from '../helpers/cli.js';
import { withTestAdmin } from '../helpers/kafka.js';
import { produceRecords } from '../helpers/copy.js';
import { createTopicsOn, killSpawned, produceValues, spawnCli, waitFor } from '../helpers/pipeline.js';

const sockets: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'kstream-watch-'));
const tmuxOn = (socket: string, ...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
afterAll(() => {
  killSpawned();
  for (const socket of sockets) {
    try {
      tmuxOn(socket, 'kill-server');
    } catch {
      // already gone with its last session
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function terminal(args: string[]) {
  const session = uniqueName('watch');
  const socket = `kstream-test-${session}`;
  sockets.push(socket);
  const tmux = (...a: string[]) => tmuxOn(socket, ...a);
  const exitFile = join(dir, `${session}.exit`);
  const cmd = `env -u CI NO_COLOR=1 KSTREAM_BROKERS='${brokers()}' '${process.execPath}' '${BIN}' ${args.join(' ')}; echo $? > '${exitFile}'; sleep 30`;
  // -u: the pane is UTF-8 whatever the locale of the test run, so the sparkline arrives as written.
  tmux('-u', 'new-session', '-d', '-s', session, '-x', '150', '-y', '40', cmd);
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  return {
    screen,
    type: (...keys: string[]) => tmux('send-keys', '-t', session, ...keys),
    until: async (text: RegExp) => {
      try {
        await waitFor(String(text), async () => text.test(screen()), 30_000);
      } catch (err) {
        throw new Error(`${(err as Error).message}; the screen:\n${screen()}`);
      }
    },
    exitCode: async () => {
      await waitFor('exit', async () => existsSync(exitFile) && readFileSync(exitFile, 'utf8').endsWith('\n'), 30_000);
      tmux('kill-session', '-t', session);
      return Number(readFileSync(exitFile, 'utf8'));
    },
  };
}

const AGE_MS = 120_000;

/** A topic of 2 partitions, 10 records each written two minutes ago, and a group at offsets 4 and 10: lag 6, all in partition 0. */
async function laggingGroup(): Promise<{ topic: string; group: string }> {
  const [topic, group] = [uniqueName('watch-t'), uniqueName('watch-g')];
  await createTopicsOn(brokers(), [topic], 2);
  const old = Date.now() - AGE_MS;
  await produceRecords(brokers(), topic, Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: `v${i}`, timestamp: old + Math.floor(i / 2) * 1000 })));
  await withTestAdmin((a) => a.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '10' }] }));
  return { topic, group };
}

interface Line {
  time: string;
  groups: Array<{ group: string; totalLag: number; consumeRate: number | null; produceRate: number | null; maxAgeMs: number | null; trend: string | null; history: number[]; partitions: Array<{ partition: number; lag: number; ageMs: number | null }> }>;
}

describe('groups describe --watch, piped', () => {
  it('prints one JSON line per refresh with lag, age of the oldest unread record, rates and trend', async () => {
    const { group } = await laggingGroup();
    const r = await runCli(['groups', 'describe', group, '--watch', '--count', '3', '--interval', '200ms']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines).toHaveLength(3);
    const [first, , last] = lines.map((l) => l.groups[0]!);
    expect(first).toMatchObject({ group, totalLag: 6, consumeRate: null, produceRate: null, trend: null });
    // The record at offset 4 of partition 0 was written at old + 4 s.
    expect(first!.partitions[0]!.ageMs).toBeGreaterThanOrEqual(AGE_MS - 4000 - 1000);
    expect(first!.partitions[1]).toMatchObject({ lag: 0, ageMs: null });
    expect(first!.maxAgeMs).toBe(first!.partitions[0]!.ageMs);
    expect(last).toMatchObject({ totalLag: 6, consumeRate: 0, produceRate: 0, trend: 'steady', history: [6, 6, 6] });
  });

  it('top sees records arrive: produce rate and a rising lag; Ctrl-C ends it with 130', async () => {
    const { topic, group } = await laggingGroup();
    const run = spawnCli(['top', group, '--interval', '300ms'], brokers());
    const lines = () => run.output().stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
    await waitFor('a first sample', async () => lines().length > 0, 30_000);
    await produceValues(brokers(), topic, Array.from({ length: 30 }, (_, i) => `new-${i}`));
    await waitFor('a sample with the new records', async () => lines().some((l) => l.groups[0]!.totalLag === 36 && (l.groups[0]!.produceRate ?? 0) > 0), 30_000);
    expect(lines().some((l) => l.groups[0]!.trend === 'rising')).toBe(true);
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
  });

  it('fails in one line for an unknown group and an unreachable broker', async () => {
    const missing = uniqueName('no-group');
    const r = await runCli(['groups', 'describe', missing, '--watch', '--count', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: group '${missing}' does not exist`, 'm'));
    const down = await runCli(['top', '--count', '1', '--timeout', '1s', '-b', '127.0.0.1:1']);
    expect(down.code).toBe(3);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('live views on a terminal', () => {
  it('groups describe --watch draws the partitions, lag and oldest unread age, and stops on Ctrl-C', async () => {
    const { topic, group } = await laggingGroup();
    const t = terminal(['groups', 'describe', group, '--watch']);
    await t.until(new RegExp(`group ${group}: Empty, 0 members · lag 6 → steady · consume 0\\.0/s · produce 0\\.0/s · oldest unread \\d+m\\d\\ds`));
    const screen = t.screen();
    expect(screen).toContain('OLDEST-UNREAD');
    expect(screen).toMatch(new RegExp(`│ ${topic} │ 0 +│ 4 +│ 10 +│ 6 +│ \\d+m\\d\\ds`));
    expect(screen).toMatch(new RegExp(`│ ${topic} │ 1 +│ 10 +│ 10 +│ 0 +│ - `));
    // A lag that does not change draws full bars (each bar is scaled to the largest lag shown).
    expect(screen).toMatch(/^lag █+$/m);
    t.type('C-c');
    expect(await t.exitCode()).toBe(130);
  });

  it('top shows one row per group with its trend and a lag sparkline', async () => {
    const { topic, group } = await laggingGroup();
    const t = terminal(['top', group, '--interval', '300ms']);
    await t.until(new RegExp(`│ ${group} │ Empty +│ 0 +│ 6 +│ → steady`));
    await produceValues(brokers(), topic, Array.from({ length: 30 }, (_, i) => `new-${i}`));
    // The history rises from 6 to 36: low bars (6/36 of the height), then the highest.
    await t.until(new RegExp(`│ ${group} │ Empty +│ 0 +│ 36 +│ (↑ \\+[\\d.]+/s|→ steady) .*[▁▂]+█+ *│`));
    t.type('C-c');
    expect(await t.exitCode()).toBe(130);
  });
});
