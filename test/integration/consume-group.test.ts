import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, brokers, runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopic } from '../helpers/consume.js';
import { testProducer, withTestAdmin } from '../helpers/kafka.js';

/** A topic whose records are "000001 xxx…" (about 100 bytes each) in order, in `partitions` partitions round-robin. */
async function numberedTopic(count: number, partitions = 1): Promise<string> {
  const topic = uniqueName('consume-group');
  await createTestTopic(topic, partitions);
  const producer = await testProducer();
  const filler = 'x'.repeat(92);
  const messages = Array.from({ length: count }, (_, i) => ({ partition: i % partitions, value: `${String(i + 1).padStart(6, '0')} ${filler}` }));
  for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic, messages: messages.slice(i, i + 1000) });
  await producer.disconnect();
  return topic;
}

/** Runs a shell pipeline with the test broker in KSTREAM_BROKERS. */
function runBash(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { env: { ...process.env, KSTREAM_BROKERS: brokers(), NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs kstream until it has printed `lines` lines, then sends SIGINT. */
async function interruptAfter(args: string[], lines: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, KSTREAM_BROKERS: brokers(), NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.split('\n').length > lines) resolve();
    });
  });
  child.kill('SIGINT');
  return { code: await exited, stderr };
}

function numbers(stdout: string): number[] {
  return stdout.split('\n').filter(Boolean).map((l) => Number(l.slice(0, 6)));
}

async function committed(group: string, topic: string): Promise<number[]> {
  const [entry] = await withTestAdmin((a) => a.fetchOffsets({ groupId: group, topics: [topic] }));
  return entry!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

describe('kstream consume --group', () => {
  it('after `| head -n 10`, the next run prints record 11 onwards with none skipped', async () => {
    // Enough output to fill the pipe, so the first run meets the closed pipe while following.
    const count = 5000;
    const topic = await numberedTopic(count);
    const group = uniqueName('g-head');
    const cut = await runBash(`set -o pipefail; node ${BIN} consume ${topic} -g ${group} --from-beginning | head -n 10`);
    expect(cut.code, cut.stderr).toBe(0);
    expect(numbers(cut.stdout)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(cut.stderr).toBe('');

    const next = await runCli(['consume', topic, '-g', group, '-e']);
    expect(next.code, next.stderr).toBe(0);
    const seen = numbers(next.stdout);
    // Records still in the pipe when head closed it may come again; none may be missing.
    expect(seen[0]).toBeLessThanOrEqual(11);
    expect(seen).toEqual(Array.from({ length: count - seen[0]! + 1 }, (_, i) => seen[0]! + i));
    expect(await committed(group, topic)).toEqual([count]);
  });

  it('after a reader that stops midway through several partitions, no record is skipped', async () => {
    const count = 5000;
    const topic = await numberedTopic(count, 5);
    const group = uniqueName('g-cut');
    const cut = await runBash(`node ${BIN} consume ${topic} -g ${group} --from-beginning | head -n 950`);
    expect(numbers(cut.stdout)).toHaveLength(950);
    const next = await runCli(['consume', topic, '-g', group, '-e']);
    expect(next.code, next.stderr).toBe(0);
    const printed = new Set([...numbers(cut.stdout), ...numbers(next.stdout)]);
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !printed.has(n));
    expect(missing).toEqual([]);
  });

  it('-n commits exactly the records printed, and the next run starts right after them', async () => {
    const topic = await numberedTopic(30, 3);
    const group = uniqueName('g-n');
    const first = await runCli(['consume', topic, '-g', group, '--from-beginning', '-n', '7']);
    expect(first.code, first.stderr).toBe(0);
    expect(numbers(first.stdout)).toHaveLength(7);
    expect((await committed(group, topic)).reduce((a, b) => a + b, 0)).toBe(7);

    const second = await runCli(['consume', topic, '-g', group, '-e']);
    expect(second.code, second.stderr).toBe(0);
    const all = [...numbers(first.stdout), ...numbers(second.stdout)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await committed(group, topic)).toEqual([10, 10, 10]);
  });

  it('resumes from committed offsets even with --from-beginning, and says so', async () => {
    const topic = await numberedTopic(6);
    const group = uniqueName('g-resume');
    const first = await runCli(['consume', topic, '-g', group, '--from-beginning', '-n', '2']);
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(['consume', topic, '-g', group, '--from-beginning', '-e']);
    expect(numbers(again.stdout)).toEqual([3, 4, 5, 6]);
    expect(again.stderr).toContain(`group '${group}' resumes from its committed offsets`);
  });

  it('a new group without --from-beginning starts at the end', async () => {
    const topic = await numberedTopic(4);
    const group = uniqueName('g-latest');
    const r = await runCli(['consume', topic, '-g', group, '-e']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(await committed(group, topic)).toEqual([4]);
  });

  it('on SIGINT commits what was printed and exits 130', async () => {
    const topic = await numberedTopic(25);
    const group = uniqueName('g-sigint');
    const { code, stderr } = await interruptAfter(['consume', topic, '-g', group, '--from-beginning'], 25);
    expect(code, stderr).toBe(130);
    // The summary is the last line: a signal is how a following consume ends, not an error.
    expect(stderr).toMatch(/25 records in [^\n]*\n$/);
    expect(await committed(group, topic)).toEqual([25]);
  });

  it('without a group, SIGINT still removes the private group', async () => {
    const topic = await numberedTopic(5);
    const clientId = uniqueName('sigint');
    const { code, stderr } = await interruptAfter(['consume', topic, '--from-beginning', '--client-id', clientId], 5);
    expect(code, stderr).toBe(130);
    const groups = await withTestAdmin(async (a) => (await a.listGroups()).groups.map((g) => g.groupId));
    expect(groups.filter((g) => g.startsWith(`${clientId}-consume-`))).toEqual([]);
  });
});
