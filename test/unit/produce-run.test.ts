import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BatchSink } from '../../src/kafka/produce/sender.js';
import { produceOptions } from '../../src/commands/produce/options.js';
import { ProduceRun } from '../../src/commands/produce/run.js';

/** An endless input that counts the lines pulled from it. */
function endless() {
  const counter = { pulled: 0 };
  const line = Buffer.from('x'.repeat(99) + '\n');
  const stream = Readable.from((function* () {
    for (;;) {
      counter.pulled++;
      yield line;
    }
  })(), { objectMode: false });
  return { stream, counter };
}

describe('ProduceRun backpressure', () => {
  it('stops reading while the broker has not acknowledged, whatever the input size', async () => {
    const { stream, counter } = endless();
    const held: Array<() => void> = [];
    let sent = 0;
    const sink: BatchSink = {
      seal: async (partition, builder) => {
        sent += builder.count;
        return { partition, batch: builder.sealPlain({ producerId: -1n, producerEpoch: -1, baseSequence: -1 }) };
      },
      send: (batches) => new Promise((resolve) => {
        held.push(() => resolve(batches.map((b) => ({ partition: b.partition, ok: true, baseOffset: 0n }))));
      }),
    };
    const abort = new AbortController();
    const stdout = new Writable({ write: (_c, _e, cb) => cb() });
    const stats = { read: 0, acked: 0, bytes: 0 };
    const run = new ProduceRun({ stdin: stream, stdout, signal: abort.signal, brokers: [] }, produceOptions({ topic: 't' }), { partitions: 3, maxMessageBytes: 1_048_588 }, stats, sink).run();
    await new Promise((r) => setTimeout(r, 300));
    // One round in flight, one full round waiting (2 MiB of 100-byte lines each), and the
    // read-ahead of one stream buffer.
    expect(held).toHaveLength(1);
    expect(counter.pulled).toBeLessThan(2 * (2 << 20) / 100 + 1_000);
    const before = counter.pulled;
    await new Promise((r) => setTimeout(r, 200));
    expect(counter.pulled).toBe(before);

    abort.abort();
    let done = false;
    void run.then(() => (done = true));
    while (!done) {
      held.shift()?.();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await run).toBeUndefined();
    expect(stats.acked).toBe(sent);
    expect(stats.read).toBe(sent);
  });
});
