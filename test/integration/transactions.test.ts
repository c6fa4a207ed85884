// `kstream transactions` on a hanging transaction: a kafkajs transactional producer sends a record
// and disconnects without committing, between two committed records. Its coordinator keeps it open
// (a long transaction timeout), so read_committed readers stop at its first offset until it is aborted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, uniqueName, type CliResult } from '../helpers/cli.js';
import { createTestTopics, testKafka, testProducer } from '../helpers/kafka.js';
import { startCli } from '../helpers/produce.js';

const topic = uniqueName('txn-hang');
const txId = uniqueName('hanging-writer');
let producerId = '';

beforeAll(async () => {
  await createTestTopics([topic], 1);
  const plain = await testProducer();
  await plain.send({ topic, messages: [{ value: 'before' }] });
  const tx = (await testKafka()).producer({ transactionalId: txId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 600_000 });
  await tx.connect();
  const open = await tx.transaction();
  await open.send({ topic, messages: [{ value: 'in-transaction' }] });
  // Disconnected without commit or abort: the transaction stays open on the coordinator.
  await tx.disconnect();
  await plain.send({ topic, messages: [{ value: 'after' }] });
  await plain.disconnect();
});

afterAll(async () => {
  await runCli(['topics', 'delete', topic, '--yes']);
});

function expectOneError(r: CliResult, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

describe('kstream transactions on an open transaction', () => {
  it('list finds it Ongoing', async () => {
    const r = await runCli(['transactions', 'list', '--state', 'Ongoing', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const mine = (JSON.parse(r.stdout) as Array<{ transactionalId: string; producerId: string; state: string }>).find((t) => t.transactionalId === txId);
    expect(mine).toMatchObject({ state: 'Ongoing', producerId: expect.stringMatching(/^\d+$/) });
    producerId = mine!.producerId;
    const plain = await runCli(['transactions', 'list']);
    expect(plain.stdout.split('\n')).toContain(`${txId}\t${producerId}\tOngoing`);
  });

  it('describe shows its partition, timeout and start', async () => {
    const r = await runCli(['transactions', 'describe', txId, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ transactionalId: txId, state: 'Ongoing', timeoutMs: 600_000, producerId, partitions: [{ topic, partition: 0 }] });
    expect(d.startTimeMs).toBeGreaterThan(0);
    // kafka-transactions.sh's spelling.
    const compat = await runCli(['transactions', 'describe', '--transactional-id', txId, '-o', 'json']);
    expect(JSON.parse(compat.stdout).producerId).toBe(producerId);
  });

  it('describe-producers shows where the open transaction starts', async () => {
    const r = await runCli(['transactions', 'describe-producers', '--topic', topic, '--partition', '0', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const [p] = JSON.parse(r.stdout);
    expect(p.producers).toEqual(expect.arrayContaining([expect.objectContaining({ producerId, currentTxnStartOffset: 1 })]));
    expect(p.producers.filter((s: { currentTxnStartOffset: number }) => s.currentTxnStartOffset >= 0)).toHaveLength(1);
  });

  it('a read_committed consume stops before it and says so once, naming the producer; abort lets it go on', async () => {
    const live = startCli(['consume', topic, '--from-beginning']);
    while (!/waiting on an open transaction/.test(live.stderr()) && live.child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(live.stdout()).toBe('before\n');
    expect(live.stderr()).toContain(`partition 0 of '${topic}' is held at offset 1 (high watermark 3) by producer ${producerId}`);
    expect(live.stderr()).toContain(`kstream transactions abort --topic ${topic} --partition 0 --start-offset 1`);

    // A consume with --exit meanwhile ends at the last stable offset.
    const held = await runCli(['consume', topic, '--from-beginning', '--exit']);
    expect(held.stdout).toBe('before\n');

    const aborted = await runCli(['transactions', 'abort', '--topic', topic, '--partition', '0', '--start-offset', '1']);
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(aborted.stderr).toBe(`aborted the transaction of producer ${producerId} (epoch 0) on ${topic}:0\n`);

    while (!live.stdout().includes('after') && live.child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    live.child.kill('SIGINT');
    await live.exited;
    expect(live.stdout()).toBe('before\nafter\n');
    expect(live.stderr().match(/waiting on an open transaction/g)).toHaveLength(1);

    const done = await runCli(['consume', topic, '--from-beginning', '--exit']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toBe('before\nafter\n');
    const p = JSON.parse((await runCli(['transactions', 'describe-producers', '-t', topic, '-o', 'json'])).stdout);
    expect(p[0].producers.every((s: { currentTxnStartOffset: number }) => s.currentTxnStartOffset === -1)).toBe(true);
  });
});

describe('kstream transactions failures', () => {
  it('an unknown transactional id is one line, exit 2', async () => {
    expectOneError(await runCli(['transactions', 'describe', uniqueName('nobody')]), 2, /^error: unknown transactional id 'nobody-.*see `kstream transactions list`/);
  });

  it('abort at an offset where no transaction starts is one line, exit 1', async () => {
    expectOneError(await runCli(['transactions', 'abort', '-t', topic, '-p', '0', '--start-offset', '0']), 1, /^error: no open transaction starts at offset 0 of topic '.*' partition 0/);
  });

  it('abort without the transaction is one line, exit 1', async () => {
    expectOneError(await runCli(['transactions', 'abort', '-t', topic, '-p', '0']), 1, /^error: name the transaction to abort \(pass --start-offset N/);
  });

  it('describe-producers of an unknown topic or partition is one line', async () => {
    expectOneError(await runCli(['transactions', 'describe-producers', '-t', uniqueName('missing')]), 2, /^error: topic 'missing-.*' does not exist/);
    expectOneError(await runCli(['transactions', 'describe-producers', '-t', topic, '-p', '7']), 1, /^error: topic '.*' has no partition 7 \(it has partitions 0 to 0\)/);
  });
});
