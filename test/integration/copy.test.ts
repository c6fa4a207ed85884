import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from '../helpers/cli.js';
import { startOwnBroker, type OwnBroker } from '../helpers/own-broker.js';
import { bySortKey, produceRecords, readCommittedRecords, type SeenRecord } from '../helpers/copy.js';
import { createTopicsOn, highWatermark, killSpawned, numbered, produceValues, readCommitted, spawnCli, waitFor } from '../helpers/pipeline.js';

// Recent, whole seconds: older records would meet the topics' 7-day retention while a test runs.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

/** `n` records over 3 partitions, keys and partitions deliberately unrelated to the key hash. */
function records(n: number, prefix = 'v'): SeenRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    partition: i % 3, key: `k${i % 7}`, timestamp: T0 + i * 1000, headers: { trace: `t${i}`, kind: i % 2 ? 'odd' : 'even' }, value: `${prefix}${String(i).padStart(5, '0')}`,
  }));
}

describe('kstream copy on one cluster', () => {
  afterAll(killSpawned);

  it('keeps keys, headers, timestamps and partitions, exactly once', async () => {
    const b = brokers();
    const [src, dst] = [uniqueName('cp-src'), uniqueName('cp-dst')];
    await createTopicsOn(b, [src, dst], 3);
    const input = records(60);
    await produceRecords(b, src, input);
    const r = await runCli(['copy', src, dst, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(readCommittedRecords(b, dst).sort(bySortKey)).toEqual(input);
  });

  it('filters and maps with the pipeline expressions; --repartition lets the key hash choose', async () => {
    const b = brokers();
    const [src, dst] = [uniqueName('cp-src'), uniqueName('cp-dst')];
    await createTopicsOn(b, [src], 3);
    await createTopicsOn(b, [dst], 1);
    await produceRecords(b, src, records(30));
    const refused = await runCli(['copy', src, dst, '--exit']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: '.*' has 1 partition, fewer than the 3 of '.*', so records cannot keep their partitions \(pass --repartition/m);
    const r = await runCli(['copy', src, dst, '--exit', '--repartition', '--filter', 'r.headers.kind === "odd"', '--map', 'r.value.toUpperCase()']);
    expect(r.code, r.stderr).toBe(0);
    const out = readCommittedRecords(b, dst);
    expect(out).toHaveLength(15);
    expect(out.every((x) => x.partition === 0 && x.headers.kind === 'odd' && x.value.startsWith('V'))).toBe(true);
  });

  it('copies a window: --from OFFSET and --until @TIME, per partition', async () => {
    const b = brokers();
    const [src, dst] = [uniqueName('cp-src'), uniqueName('cp-dst')];
    await createTopicsOn(b, [src, dst], 3);
    const input = records(30);
    await produceRecords(b, src, input);
    // Partition p holds records p, p+3, …: offsets 0..9, and record i has time T0 + i s.
    const until = new Date(T0 + 21_000).toISOString();
    const r = await runCli(['copy', src, dst, '--from', '2', '--until', `@${until}`]);
    expect(r.code, r.stderr).toBe(0);
    const expected = input.filter((x) => Math.floor(Number(x.value.slice(1)) / 3) >= 2 && x.timestamp < T0 + 21_000);
    expect(readCommittedRecords(b, dst).sort(bySortKey)).toEqual(expected);
    // The group stands at --until, not past it: the same copy without a window goes on from there.
    const rest = await runCli(['copy', src, dst, '--exit']);
    expect(rest.code, rest.stderr).toBe(0);
    expect(readCommittedRecords(b, dst).sort(bySortKey)).toEqual(input.filter((x) => Math.floor(Number(x.value.slice(1)) / 3) >= 2));
  });

  it('resumes after kill -9 without losing or repeating a record (read_committed)', async () => {
    const b = brokers();
    const [src, dst] = [uniqueName('cp-kill-src'), uniqueName('cp-kill-dst')];
    await createTopicsOn(b, [src, dst], 3);
    const inputs = numbered(10_000);
    await produceValues(b, src, inputs);
    // A filter that takes 2 ms a record, so that the run is still going when it is killed.
    const slow = '(() => { const t = Date.now() + 2; while (Date.now() < t); return true; })()';
    const args = ['copy', src, dst, '--filter', slow, '--batch-size', '250'];
    const first = spawnCli(args, b);
    await waitFor('output of the first run', async () => (await highWatermark(b, dst)) >= 2000);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const before = readCommitted(b, dst).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(inputs.length);
    const second = await runCli([...args, '--exit'], { killAfterMs: 180_000 });
    expect(second.code, second.stderr).toBe(0);
    const out = readCommitted(b, dst);
    expect(out.length).toBe(inputs.length);
    expect([...out].sort()).toEqual([...inputs].sort());
  }, 240_000);

  it('re-drives a DLQ made by pipeline --dlq back to the source partitions, without the error headers', async () => {
    const b = brokers();
    const [src, out, dlq] = [uniqueName('rd-src'), uniqueName('rd-out'), uniqueName('rd-dlq')];
    await createTopicsOn(b, [src, out, dlq], 3);
    const input = records(12);
    await produceRecords(b, src, input);
    // Records whose header says odd fail the stage; one record per batch, so only they are dead-lettered.
    const failing = '(() => { if (r.headers.kind === "odd") throw new Error("odd record"); return r.value; })()';
    const p = await runCli(['pipeline', 'run', '--from', src, '--to', out, '--map', failing, '--batch-size', '1', '--retries', '0', '--dlq', dlq, '--exit']);
    expect(p.code, p.stderr).toBe(0);
    const dead = readCommittedRecords(b, dlq);
    expect(dead).toHaveLength(6);
    expect(dead[0]!.headers).toMatchObject({ 'kstream-source-topic': src, 'kstream-error': expect.stringContaining('odd record') });

    const r = await runCli(['copy', '--dlq-redrive', dlq, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('re-drove 6 of 6 dead letters');
    const back = readCommittedRecords(b, src).filter((x) => x.headers.kind === 'odd');
    // Each odd record is in its source twice now: the original and the re-driven copy, same partition, time and headers.
    const odd = input.filter((x) => x.headers.kind === 'odd');
    expect(back.sort(bySortKey)).toEqual(odd.flatMap((x) => [x, x]));

    const to = uniqueName('rd-to');
    await createTopicsOn(b, [to], 3);
    const kept = await runCli(['copy', '--dlq-redrive', dlq, '--to', to, '--keep-error-headers', '--group', uniqueName('rd-group'), '--exit']);
    expect(kept.code, kept.stderr).toBe(0);
    const copies = readCommittedRecords(b, to);
    expect(copies).toHaveLength(6);
    expect(copies.every((x) => x.headers['kstream-error']?.includes('odd record') && x.headers['kstream-source-topic'] === src)).toBe(true);
  });

  it('treats a named target with the source cluster id as the same cluster: exactly once', async () => {
    const b = brokers();
    const [src, dst] = [uniqueName('cp-src'), uniqueName('cp-dst')];
    await createTopicsOn(b, [src, dst], 3);
    const input = records(9);
    await produceRecords(b, src, input);
    const r = await runCli(['copy', src, dst, '--to-bootstrap-server', b, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('the target is the source cluster: copying exactly once');
    expect(r.stderr).not.toContain('at least once');
    expect(readCommittedRecords(b, dst).sort(bySortKey)).toEqual(input);
    const self = await runCli(['copy', src, src, '--to-bootstrap-server', b, '--exit']);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/^error: the target is the source cluster, so this would copy '.*' onto itself/m);
  });

  it('names what is wrong in one line', async () => {
    const missing = uniqueName('cp-missing');
    const r = await runCli(['copy', missing, 'elsewhere', '--exit']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: topic '${missing}' does not exist`, 'm'));
    const bad = await runCli(['copy', 'a', 'b', '--from', 'yesterday']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: --from 'yesterday' is not an offset or a time/m);
  });
});

describe('kstream copy to another cluster', () => {
  let target: OwnBroker;
  let other: string;

  beforeAll(async () => {
    // A second single-node cluster of this test's own: a real other cluster id.
    target = await startOwnBroker('kstream-copy-target-');
    other = target.bootstrap;
  });

  afterAll(async () => {
    killSpawned();
    await target?.remove();
  });

  it('copies at least once with its own group, says so, and keeps everything', async () => {
    const b = brokers();
    const [src, dst] = [uniqueName('xc-src'), uniqueName('xc-dst')];
    await createTopicsOn(b, [src], 3);
    await createTopicsOn(other, [dst], 3);
    const input = records(90);
    await produceRecords(b, src, input);
    const r = await runCli(['copy', src, dst, '--to-bootstrap-server', other, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('at least once');
    expect(r.stderr).toContain('read 90 records');
    expect(readCommittedRecords(other, dst).sort(bySortKey)).toEqual(input);
    // Its position: a second run finds nothing new to copy.
    await produceRecords(b, src, records(3, 'w'));
    const again = await runCli(['copy', src, dst, '--to-bootstrap-server', other, '--exit']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('read 3 records');
    expect(readCommittedRecords(other, dst)).toHaveLength(93);
  }, 120_000);

  it('resumes after kill -9 from its committed position: nothing lost', async () => {
    const b = brokers();
    const [src, dst] = [uniqueName('xc-kill-src'), uniqueName('xc-kill-dst')];
    await createTopicsOn(b, [src], 3);
    await createTopicsOn(other, [dst], 3);
    const inputs = numbered(10_000);
    await produceValues(b, src, inputs);
    const slow = '(() => { const t = Date.now() + 2; while (Date.now() < t); return true; })()';
    const args = ['copy', src, dst, '--to-bootstrap-server', other, '--filter', slow, '--batch-size', '250'];
    const first = spawnCli(args, b);
    await waitFor('output of the first run', async () => (await highWatermark(other, dst)) >= 1000);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await highWatermark(other, dst)).toBeLessThan(inputs.length);
    const second = await runCli([...args, '--exit'], { killAfterMs: 180_000 });
    expect(second.code, second.stderr).toBe(0);
    const out = readCommitted(other, dst);
    expect(new Set(out)).toEqual(new Set(inputs));
    // At least once: what the killed run wrote but had not committed may be there twice, never more.
    expect(out.length - inputs.length).toBeLessThanOrEqual(3 * 250);
  }, 240_000);
});
