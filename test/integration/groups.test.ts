import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, brokers, runCli, uniqueName, type CliResult } from '../helpers/cli.js';
import { withTestAdmin } from '../helpers/kafka.js';
import { activeMember, consumeAndCommit, seedTopic } from '../helpers/groups.js';

function errorLine(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

/** Runs kstream on a pseudo-terminal (via script(1)) and types `answer` when the question appears. */
function runOnTerminal(args: string[], question: string, answer: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, KSTREAM_BROKERS: brokers(), NO_COLOR: '1' };
    delete env.CI;
    const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let asked = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
      if (!asked && output.includes(question)) {
        asked = true;
        child.stdin.write(answer + '\r');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function describeJson(group: string) {
  const r = await runCli(['groups', 'describe', group, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('kstream groups', { timeout: 120_000 }, () => {
  it('shows lag N-M per partition after consuming M of N, and 0 after catching up', async () => {
    const topic = uniqueName('lag');
    const group = uniqueName('lag-g');
    await seedTopic(topic, [5, 4]);
    await consumeAndCommit(group, topic, [2, 1]);

    const d = await describeJson(group);
    expect(d).toMatchObject({ group, state: 'Empty', protocolType: 'consumer', members: [], totalLag: 6 });
    expect(d.offsets).toEqual([
      { topic, partition: 0, committed: 2, logEnd: 5, lag: 3, memberId: null },
      { topic, partition: 1, committed: 1, logEnd: 4, lag: 3, memberId: null },
    ]);

    const plain = await runCli(['groups', 'describe', group]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout.split('\n')).toEqual([
      'TOPIC\tPARTITION\tCURRENT-OFFSET\tLOG-END-OFFSET\tLAG\tCONSUMER-ID\tHOST\tCLIENT-ID',
      `${topic}\t0\t2\t5\t3\t-\t-\t-`,
      `${topic}\t1\t1\t4\t3\t-\t-\t-`,
      '',
    ]);
    expect(plain.stderr).toBe(`group ${group}: Empty, no active members, total lag 6\n`);

    const list = await runCli(['groups', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n')).toContain(group);
    const listed = (JSON.parse((await runCli(['groups', 'list', '-o', 'json'])).stdout) as Array<{ group: string }>).find((g) => g.group === group);
    expect(listed).toEqual({ group, state: 'Empty', protocolType: 'consumer', members: 0 });

    await consumeAndCommit(group, topic, [5, 4]);
    const caughtUp = await describeJson(group);
    expect(caughtUp.offsets.map((o: { lag: number }) => o.lag)).toEqual([0, 0]);
    expect(caughtUp.totalLag).toBe(0);
  });

  it('counts a partition without a committed offset as wholly unread and shows its offset as -', async () => {
    const topic = uniqueName('partial');
    const group = uniqueName('partial-g');
    await seedTopic(topic, [3, 2]);
    await consumeAndCommit(group, topic, [1, 0]);
    const d = await describeJson(group);
    expect(d.offsets[1]).toEqual({ topic, partition: 1, committed: null, logEnd: 2, lag: 2, memberId: null });
    expect(d.totalLag).toBe(4);
    const plain = await runCli(['groups', 'describe', group]);
    expect(plain.stdout.split('\n')[2]).toBe(`${topic}\t1\t-\t2\t2\t-\t-\t-`);
  });

  it('shows active members and their partitions, and refuses to reset offsets until they leave', async () => {
    const topic = uniqueName('active');
    const group = uniqueName('active-g');
    await seedTopic(topic, [2, 2]);
    await consumeAndCommit(group, topic, [1, 1]);
    const member = await activeMember(group, topic);
    try {
      const d = await describeJson(group);
      expect(d.state).toBe('Stable');
      expect(d.members).toHaveLength(1);
      expect(d.members[0]).toMatchObject({ clientId: 'kstream-test', host: '127.0.0.1', assignment: [{ topic, partitions: [0, 1] }] });
      expect(d.offsets.map((o: { memberId: string }) => o.memberId)).toEqual([d.members[0].memberId, d.members[0].memberId]);
      const table = await runCli(['groups', 'describe', group, '-o', 'table']);
      expect(table.stdout).toMatch(/MEMBERS[\s\S]*kstream-test.*\b\d+\b/);
      expect(table.stdout).toContain(`${topic}:0,1`);

      const refused = await runCli(['groups', 'reset-offsets', group, '--topic', topic, '--to-earliest', '--execute']);
      expect(refused.code).toBe(1);
      expect(errorLine(refused)).toMatch(new RegExp(`group '${group}' has 1 active member \\(state Stable\\); offsets can only be reset while it has none`));
      const deleted = await runCli(['groups', 'delete', group, '--yes']);
      expect(deleted.code).toBe(1);
      expect(deleted.stderr).toMatch(/has active members/);
    } finally {
      await member.disconnect();
    }
    const allowed = await runCli(['groups', 'reset-offsets', group, '--topic', topic, '--to-earliest', '--execute']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toContain(`offsets reset for group ${group}`);
  });

  it('deletes groups with one status row each, failing for a group that does not exist', async () => {
    const topic = uniqueName('del');
    const group = uniqueName('del-g');
    await seedTopic(topic, [1]);
    await consumeAndCommit(group, topic, [1]);
    const missing = uniqueName('del-missing');
    const r = await runCli(['groups', 'delete', group, missing, '--yes', '-o', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      { name: group, ok: true, message: 'deleted' },
      { name: missing, ok: false, message: 'does not exist' },
    ]);
    expect(errorLine(r)).toMatch(`group '${missing}': does not exist`);
    const gone = await runCli(['groups', 'describe', group]);
    expect(gone.code).toBe(1);
  });

  it('asks before deleting on a terminal', async () => {
    const topic = uniqueName('ask');
    const group = uniqueName('ask-g');
    await seedTopic(topic, [1]);
    await consumeAndCommit(group, topic, [1]);
    const question = `Delete group '${group}' and its committed offsets?`;
    const no = await runOnTerminal(['groups', 'delete', group], question, 'n');
    expect(no.code, no.output).toBe(1);
    expect(no.output).toContain('error: nothing deleted');
    expect((await describeJson(group)).state).toBe('Empty');
    const yes = await runOnTerminal(['groups', 'delete', group], question, 'y');
    expect(yes.code, yes.output).toBe(0);
    expect(yes.output).toMatch(new RegExp(`${group}.*OK.*deleted`));
    expect((await runCli(['groups', 'describe', group])).code).toBe(1);
  });

  it('rejects bad input with one error line and exit 1', async () => {
    const topic = uniqueName('bad');
    const group = uniqueName('bad-g');
    await seedTopic(topic, [1, 1]);
    await consumeAndCommit(group, topic, [1, 0]);
    const reset = (...args: string[]) => ['groups', 'reset-offsets', group, ...args];
    const cases: Array<[string[], RegExp]> = [
      [['groups', 'describe', uniqueName('nope')], /group '.*' does not exist \(see `kstream groups list`\)/],
      [['groups', 'reset-offsets', uniqueName('nope'), '--all-topics', '--to-earliest'], /group '.*' does not exist/],
      [reset('--topic', uniqueName('nope'), '--to-earliest'), /topic '.*' does not exist/],
      [reset('--topic', topic), /no reset mode given/],
      [reset('--topic', topic, '--to-earliest', '--to-latest'), /choose one reset mode, not --to-earliest and --to-latest/],
      [reset('--topic', `${topic}:a`), /'a' is not a partition number/],
      [reset('--topic', `${topic}:0,7`, '--to-earliest'), /has no partition 7/],
      [reset('--to-earliest'), /name the topics to reset/],
      [reset('--topic', topic, '--to-offset', '-1'), /--to-offset must be a whole number/],
      [reset('--topic', topic, '--to-datetime', 'yesterday'), /--to-datetime 'yesterday' is not an ISO date-time/],
      [['groups', 'delete', group], /without confirmation.*--yes/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(1);
      expect(errorLine(r), args.join(' ')).toMatch(message);
    }
    // Nothing above changed the group.
    expect(await withTestAdmin((a) => a.fetchOffsets({ groupId: group }))).toEqual([
      { topic, partitions: [{ partition: 0, offset: '1', metadata: null }] },
    ]);
  });
});
