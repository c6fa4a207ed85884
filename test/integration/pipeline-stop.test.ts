import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopics, testKafka, withTestAdmin } from '../helpers/kafka.js';
import { freePort } from '../../src/local/broker.js';
import { highWatermark, killSpawned, numbered, produceValues, readCommitted, spawnCli, waitFor } from '../helpers/pipeline.js';

const RUNAWAY = '(()=>{while(true){}})()';
const sorted = (a: string[]) => [...a].sort();

async function topics(partitions = 1): Promise<[string, string]> {
  const names: [string, string] = [uniqueName('stop-src'), uniqueName('stop-dst')];
  await createTestTopics(names, partitions);
  await produceValues(brokers(), names[0], ['a', 'b']);
  return names;
}

/** The group's committed offsets of `topic` (offsets of partitions without a commit are -1). */
const committedOffsets = (group: string, topic: string) =>
  withTestAdmin(async (a) => (await a.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions.map((p) => p.offset));

const defaultGroup = (src: string, dst: string) => `kstream-pipeline-${src}-${dst}`;

function scrape(port: number): Promise<string> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(text));
    }).on('error', () => resolve(''));
  });
}

/** Waits until the stage has a batch in its transform (the in-flight gauge, served while it runs). */
const batchInFlight = (port: number, stage: string) =>
  waitFor('a batch in flight', async () => (await scrape(port)).includes(`kstream_pipeline_in_flight_batches{stage="${stage}"} 1`), 60_000);

/** Process ids in process group `pgid` (none once the group is gone). */
function groupMembers(pgid: number): string[] {
  const r = spawnSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.trim().split(/\s+/)[1] === String(pgid));
}

const leftGroups: number[] = [];

describe('pipeline run stops a runaway transform', () => {
  afterAll(() => {
    killSpawned();
    for (const pgid of leftGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // Gone, as it should be.
      }
    }
  });

  it('fails the batch at --map-timeout and commits nothing of it', async () => {
    const [src, dst] = await topics();
    const r = await runCli(['pipeline', 'run', '--from', src, '--to', dst, '--map', RUNAWAY, '--map-timeout', '1s', '--retries', '0', '--exit']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^error: stage ${dst}: '.*' did not finish a batch of 2 records within 1000ms \\(--map-timeout\\); stopped at ${src} partition 0 offsets 0-1, not committed`),
    );
    expect(await highWatermark(brokers(), dst)).toBe(0);
    expect(await committedOffsets(defaultGroup(src, dst), src)).toEqual(['-1']);
  });

  it('sends a batch that timed out to the DLQ like any failing batch', async () => {
    const [src, dst] = await topics();
    const dlq = uniqueName('stop-dlq');
    await createTestTopics([dlq], 1);
    const r = await runCli(['pipeline', 'run', '--from', src, '--to', dst, '--filter', RUNAWAY, '--map-timeout', '500ms', '--retries', '1', '--dlq', dlq, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('retry 1 of 1');
    expect(sorted(readCommitted(brokers(), dlq))).toEqual(['a', 'b']);
    expect(readCommitted(brokers(), dst)).toEqual([]);
  });

  it('stops on the first Ctrl-C while an expression loops, exit 130, nothing committed', async () => {
    const [src, dst] = await topics();
    const port = await freePort();
    const run = spawnCli(['pipeline', 'run', '--from', src, '--to', dst, '--map', RUNAWAY, '--map-timeout', '0', '--metrics-port', String(port)], brokers());
    await batchInFlight(port, dst);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code, run.output().stderr).toBe(130);
    // A signal is how a pipeline normally ends: its figures table, no error line.
    expect(run.output().stderr).toMatch(/STAGE/);
    expect(run.output().stderr).not.toMatch(/error:/);
    expect(await highWatermark(brokers(), dst)).toBe(0);
    expect(await committedOffsets(defaultGroup(src, dst), src)).toEqual(['-1']);
  });

  it('on the first Ctrl-C lets a command finish its batch, commits that batch and no other, and exits 130', async () => {
    const [src, dst] = await topics();
    const port = await freePort();
    const gate = join(mkdtempSync(join(tmpdir(), 'kstream-stop-')), 'go');
    const run = spawnCli(['pipeline', 'run', '--from', src, '--to', dst, '--exec', `while [ ! -e ${gate} ]; do sleep 0.05; done; cat`,
      '--exec-timeout', '0', '--batch-size', '1', '--metrics-port', String(port)], brokers());
    await batchInFlight(port, dst);
    run.child.kill('SIGINT');
    await waitFor('the note that it waits', async () => run.output().stderr.includes('waiting for'), 30_000);
    writeFileSync(gate, '');
    const { code } = await run.exited;
    expect(code, run.output().stderr).toBe(130);
    expect(readCommitted(brokers(), dst)).toEqual(['a']);
    expect(await committedOffsets(defaultGroup(src, dst), src)).toEqual(['1']);
  });

  it('with --exec-timeout 0, says on the first Ctrl-C that it waits, and kills the whole command on the second', async () => {
    const [src, dst] = await topics();
    const port = await freePort();
    const tag = uniqueName('never-ends');
    const run = spawnCli(['pipeline', 'run', '--from', src, '--to', dst, '--exec', `: ${tag}; sleep 1000; cat`, '--exec-timeout', '0', '--metrics-port', String(port)], brokers());
    await batchInFlight(port, dst);
    let pgid = 0;
    await waitFor('the command to start', async () => {
      const line = spawnSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' }).stdout.split('\n').find((l) => l.includes(tag) && !l.includes('kstream'));
      pgid = line ? Number(line.trim().split(/\s+/)[1]) : 0;
      return pgid > 0;
    });
    leftGroups.push(pgid);
    // Its own process group: a terminal's Ctrl-C goes to kstream only.
    expect(pgid).not.toBe(run.child.pid);
    run.child.kill('SIGINT');
    await waitFor('the note that it waits', async () => run.output().stderr.includes('waiting for'), 30_000);
    expect(run.output().stderr).toMatch(/waiting for '.*sleep 1000.*' to finish its batch \(press Ctrl-C again to kill it and exit now\)/);
    expect(groupMembers(pgid).length).toBeGreaterThan(0);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    await waitFor(`process group ${pgid} to end`, async () => groupMembers(pgid).length === 0, 30_000);
    expect(await highWatermark(brokers(), dst)).toBe(0);
  });
});

describe('pipeline run after kill -9 with a lower --parallel', () => {
  afterAll(killSpawned);

  it('leaves no transaction of a retired worker open: a read_committed reader reads to the end at once', async () => {
    const b = brokers();
    const [src, dst] = [uniqueName('fence-src'), uniqueName('fence-dst')];
    await createTestTopics([src, dst], 3);
    const first = numbered(300, 'a');
    await produceValues(b, src, first);
    const args = ['pipeline', 'run', '--from', src, '--to', dst, '--map', '"done-" + r.value', '--batch-size', '50'];
    const run = spawnCli([...args, '--parallel', '3'], b);
    await waitFor('the first run to copy every record', async () => readCommitted(b, dst).length === first.length);
    run.child.kill('SIGKILL');
    await run.exited;
    // kill -9 leaves a transaction open only when it lands inside one: leave one open for sure, as
    // worker 2 would have, under its transactional id (a record sent, never committed or aborted).
    const producer = (await testKafka()).producer({ transactionalId: `${defaultGroup(src, dst)}:${dst}:2`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic: dst, messages: [{ value: 'never-committed', partition: 0 }] });
    await producer.disconnect();
    const second = numbered(300, 'b');
    await produceValues(b, src, second);

    const rerun = await runCli([...args, '--parallel', '1', '--exit'], { killAfterMs: 120_000 });
    expect(rerun.code, rerun.stderr).toBe(0);
    // kcat -e stops at the last stable offset: an open transaction would hide what follows it.
    expect(sorted(readCommitted(b, dst))).toEqual(sorted([...first, ...second].map((v) => `done-${v}`)));
  });
});
