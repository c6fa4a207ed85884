import { describe, expect, it } from 'vitest';
import { Drain } from '../../src/commands/pipeline/drain.js';
import { Positions } from '../../src/commands/pipeline/positions.js';
import type { KafkaAdmin } from '../../src/kafka/admin/index.js';

/** A drain captured from a stand-in admin: topic t, partitions 0 and 1 at high watermarks 10 and 4, nothing committed. */
async function drain(): Promise<Drain> {
  const admin = {
    committedOffsets: async () => new Map(),
    watermarks: async () => [{ partition: 0, low: 0, high: 10 }, { partition: 1, low: 0, high: 4 }],
  } as unknown as KafkaAdmin;
  return Drain.capture(admin, ['t'], 'g');
}

describe('Positions', () => {
  it('skips what this process committed already, and sums the lag over partitions', () => {
    const p = new Positions();
    const msgs = ['3', '4', '5', '6'].map((offset) => ({ offset }));
    expect(p.pending('t', 0, msgs)).toBe(msgs);
    expect(p.committedUpTo('t', 0, 5n, 20n)).toBe(15);
    expect(p.pending('t', 0, msgs).map((m) => m.offset)).toEqual(['5', '6']);
    const later = ['5', '6'].map((offset) => ({ offset }));
    expect(p.pending('t', 0, later)).toBe(later);
    expect(p.committedUpTo('t', 1, 8n, 10n)).toBe(17);
    expect(p.next('t', 1)).toBe(8n);
    p.resetLag();
    expect(p.committedUpTo('t', 1, 10n, 10n)).toBe(0);
  });

  it('calls back once every partition of an --exit run reached its watermark, commits and empty batches alike', async () => {
    const p = new Positions(await drain());
    let drained = 0;
    p.onDrain(() => drained++);
    p.committedUpTo('t', 0, 10n, 10n);
    expect(drained).toBe(0);
    p.advance('t', 1, 4n); // a batch of only transaction markers
    expect(drained).toBe(1);
  });
});
