import { describe, expect, it } from 'vitest';
import { settled } from '../../src/kafka/settled-retry.js';

describe('settled (kafkajs send retries)', () => {
  it('starts a retry only after every request of the failed attempt has released its broker', async () => {
    const events: string[] = [];
    const eosManager = { acquireBrokerLock: async () => undefined, releaseBrokerLock: () => undefined };
    // A retrier like kafkajs's: calls the attempt again when it throws, up to once.
    const retrier = async (fn: (bail: (e: Error) => void, n: number, t: number) => Promise<unknown>) => {
      try {
        return await fn(() => undefined, 0, 0);
      } catch {
        return fn(() => undefined, 1, 0);
      }
    };
    const opts = settled({ eosManager, retrier });
    let release!: () => void;
    const slowAnswer = new Promise<void>((r) => (release = r));
    const request = async (broker: string, work: () => Promise<void>) => {
      await opts.eosManager.acquireBrokerLock(broker);
      try {
        await work();
      } finally {
        events.push(`${broker} settled`);
        opts.eosManager.releaseBrokerLock(broker);
      }
    };
    const result = opts.retrier(async (_bail, retryCount) => {
      events.push(`attempt ${retryCount}`);
      if (retryCount > 0) return 'ok';
      await Promise.all([request('b2', () => slowAnswer), request('b1', async () => { throw new Error('connection closed'); })]);
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['attempt 0', 'b1 settled']);
    release();
    expect(await result).toBe('ok');
    expect(events).toEqual(['attempt 0', 'b1 settled', 'b2 settled', 'attempt 1']);
  });
});
