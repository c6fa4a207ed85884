// kafkajs 2.2.4 can write a produce request twice when a broker fails in the middle of a send.
//
// A send goes to every partition leader at once (`Promise.all` in producer/sendMessages.js) and is
// retried as a whole when one request fails. The retry starts while the requests to the other
// brokers may still be in flight: their answers are not recorded yet, so the retry sends those
// partitions again, with the sequence numbers the first request already advanced. The broker sees
// new sequence numbers, not a duplicate, and writes the records a second time: measured as 1,334
// duplicates in 100,000 lines (`kstream produce`, acks=all, idempotent) when the leader of another
// partition was killed with kill -9 on a 3-node cluster.
//
// The fix: a retry waits until every request of the attempt before it has settled (kafkajs
// releases a broker's lock only after recording its answer), so it skips the brokers that answered
// and resends only what failed, with the sequence numbers kafkajs rolled back.
import { replaceKafkajsModule } from './module-hooks.js';

type Attempt = (bail: (err: Error) => void, retryCount: number, retryTime: number) => Promise<unknown>;
type Retrier = (fn: Attempt) => Promise<unknown>;
interface EosManager { acquireBrokerLock(broker: unknown): Promise<void>; releaseBrokerLock(broker: unknown): void }
interface SendOptions { eosManager: EosManager; retrier: Retrier; [key: string]: unknown }

let installed = false;

/** Replaces kafkajs's sendMessages (module-hooks.ts); call before kafkajs itself is loaded. */
export function installSettledRetry(): void {
  if (installed) return;
  installed = true;
  replaceKafkajsModule('kafkajs/src/producer/sendMessages.js', (original) => (opts: SendOptions) => (original as (o: SendOptions) => unknown)(settled(opts)));
}

/** `opts` with a retrier that starts a retry only once no request of this sender is in flight. */
export function settled(opts: SendOptions): SendOptions {
  let inFlight = 0;
  let idle: Array<() => void> = [];
  const done = () => {
    if (--inFlight > 0) return;
    const waiting = idle;
    idle = [];
    waiting.forEach((wake) => wake());
  };
  const eosManager: EosManager = Object.create(opts.eosManager);
  eosManager.acquireBrokerLock = async (broker) => {
    inFlight++;
    try {
      await opts.eosManager.acquireBrokerLock.call(eosManager, broker);
    } catch (err) {
      done();
      throw err;
    }
  };
  eosManager.releaseBrokerLock = (broker) => {
    try {
      opts.eosManager.releaseBrokerLock.call(eosManager, broker);
    } finally {
      done();
    }
  };
  const untilIdle = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((wake) => idle.push(wake)));
  const retrier: Retrier = (fn) => opts.retrier(async (bail, retryCount, retryTime) => {
    if (retryCount > 0) await untilIdle();
    return fn(bail, retryCount, retryTime);
  });
  return { ...opts, eosManager, retrier };
}
