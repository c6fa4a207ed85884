import { describe, expect, it } from 'vitest';
import { BatchProcessor, Stopper, type WorkerState } from '../../src/commands/pipeline/batches.js';
import { Positions } from '../../src/commands/pipeline/positions.js';
import type { PipeRecord } from '../../src/commands/pipeline/record.js';
import type { BatchOffsets, Sink } from '../../src/commands/pipeline/sinks.js';
import type { StageEnv, StageSpec } from '../../src/commands/pipeline/stage.js';
import type { FetchedBatch } from '../../src/kafka/types.js';

/** A promise and its resolve, to hold a commit or a transform until the test lets it go. */
function gate<T = void>(): { promise: Promise<T>; open: (v: T) => void; fail: (e: unknown) => void } {
  let open!: (v: T) => void;
  let fail!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((open = res), (fail = rej)));
  return { promise, open, fail };
}

const tick = () => new Promise((r) => setImmediate(r));

function fetched(count: number): FetchedBatch {
  const records = Array.from({ length: count }, (_, i) => ({
    offset: String(i), timestamp: '0', key: null, value: Buffer.from(`v${i}`), headers: {}, attributes: 0,
  }));
  return { topic: 'src', partition: 0, records, highWatermark: String(count), lastOffset: String(count - 1) };
}

/**
 * A stage of micro-batches of 2 records whose transform and commits the test releases one by one;
 * `log` tells what happened in which order.
 */
function harness() {
  const log: string[] = [];
  const transforms: Array<ReturnType<typeof gate<void>>> = [];
  const commits: Array<ReturnType<typeof gate<void>>> = [];
  const resolved: string[] = [];
  const spec = {
    name: 's', to: ['out'], batchSize: 2, retries: 0,
    transforms: [async (batch: PipeRecord[]) => {
      const g = gate();
      transforms.push(g);
      log.push(`transform ${batch[0]!.origin!.offset}`);
      await g.promise;
      return batch;
    }],
  } as unknown as StageSpec;
  const sink: Sink = {
    prepare: async (outputs) => {
      log.push(`prepare ${outputs[0]!.origin!.offset}`);
    },
    commit: async (_outputs, offsets: BatchOffsets) => {
      const g = gate();
      commits.push(g);
      log.push(`commit ${offsets.first}`);
      await g.promise;
      log.push(`committed ${offsets.first}`);
    },
    deadLetter: async () => undefined,
    close: async () => undefined,
  };
  const metrics = { add: () => undefined, set: () => undefined, inc: () => undefined, observe: () => undefined };
  const env = { metrics, signal: new AbortController().signal, warn: (l: string) => log.push(l) } as unknown as StageEnv;
  const state: WorkerState = { stopper: new Stopper(), positions: new Positions(), progress: () => undefined, limits: new Map() };
  const control = {
    resolveOffset: (o: string) => resolved.push(o),
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
  };
  const processor = new BatchProcessor(spec, env, sink, state);
  return { log, transforms, commits, resolved, state, run: (n: number) => processor.processBatch(fetched(n), control) };
}

/** Six records in micro-batches of two, run until micro-batch 0 commits and micro-batch 2 transforms. */
async function firstCommitting() {
  const h = harness();
  const done = h.run(6);
  await tick();
  h.transforms[0]!.open();
  await tick();
  return { ...h, done };
}

describe('micro-batches of one fetched batch', () => {
  it("transform the next while the one before commits, and commit in order", async () => {
    const h = await firstCommitting();
    // Micro-batch 0 is committing, and micro-batch 2's transform has started beside it.
    expect(h.log).toEqual(['transform 0', 'prepare 0', 'commit 0', 'transform 2']);
    h.transforms[1]!.open();
    await tick();
    // Its prepare (a database sink's transaction) and its commit wait for the commit before it.
    expect(h.log).toEqual(['transform 0', 'prepare 0', 'commit 0', 'transform 2']);
    h.commits[0]!.open();
    await tick();
    expect(h.log).toEqual(['transform 0', 'prepare 0', 'commit 0', 'transform 2', 'committed 0', 'prepare 2', 'commit 2', 'transform 4']);
    h.transforms[2]!.open();
    h.commits[1]!.open();
    await tick();
    h.commits[2]!.open();
    await h.done;
    expect(h.log.filter((l) => l.startsWith('committed'))).toEqual(['committed 0', 'committed 2', 'committed 4']);
    expect(h.resolved).toEqual(['1', '3', '5']);
    expect(h.state.positions.next('src', 0)).toBe(6n);
  });

  it('commit nothing after a failed commit, and stop with its error', async () => {
    const h = await firstCommitting();
    h.transforms[1]!.open();
    h.commits[0]!.fail(new Error('broker gone'));
    await h.done;
    expect(h.log).toEqual(['transform 0', 'prepare 0', 'commit 0', 'transform 2']);
    expect(h.resolved).toEqual([]);
    expect(h.state.positions.next('src', 0)).toBeUndefined();
    expect((h.state.stopper.error as Error).message).toBe('broker gone');
  });

  it('commit a micro-batch whose transform started before the worker was told to stop, and start no other', async () => {
    const h = await firstCommitting();
    // Ctrl-C while micro-batch 0 commits and micro-batch 2 transforms: both finish, 4 never starts.
    h.state.stopper.stop();
    h.transforms[1]!.open();
    h.commits[0]!.open();
    await tick();
    h.commits[1]!.open();
    await h.done;
    expect(h.log).toEqual(['transform 0', 'prepare 0', 'commit 0', 'transform 2', 'committed 0', 'prepare 2', 'commit 2', 'committed 2']);
    expect(h.resolved).toEqual(['1', '3']);
    expect(h.state.positions.next('src', 0)).toBe(4n);
  });
});
