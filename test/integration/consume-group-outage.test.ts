// A broker outage during `consume --group`, then Ctrl-C: the stop says its commit failed, and the
// next run prints everything not printed yet. Runs its own broker, so stopping it disturbs no other test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, uniqueName } from '../helpers/cli.js';
import { startOwnBroker, type OwnBroker } from '../helpers/own-broker.js';
import { ConsumeChild, committed, numbers, numberedTopic, produceNumbered, range, waitFor } from '../helpers/consume-group.js';

let broker: OwnBroker;
let bootstrap = '';

beforeAll(async () => {
  broker = await startOwnBroker('kstream-outage-broker-');
  bootstrap = broker.bootstrap;
}, 240_000);

afterAll(async () => {
  await broker?.remove();
});

describe('kstream consume --group through a broker outage', () => {
  it('a stop whose commit failed says so and exits non-zero; the next run skips nothing', async () => {
    const topic = uniqueName('outage');
    const group = uniqueName('g-outage');
    await numberedTopic(topic, 3, bootstrap);
    await produceNumbered(topic, 3, 1, 300, bootstrap);
    // Into a pipe: 300 records stay below what a pipe's reader may hold unread, so no progress commit is due.
    const run = new ConsumeChild([topic, '-g', group, '--from-beginning'], { brokers: bootstrap });
    await waitFor('300 records printed', () => run.printed().length >= 300);

    await broker.stop(15_000);
    run.kill('SIGINT');
    const code = await run.exited;
    expect(code, run.stderr).not.toBe(0);
    expect(code, run.stderr).not.toBe(130);
    expect(run.stderr).toMatch(new RegExp(`error: could not commit the offsets of group '${group}'`));

    await broker.start();
    await produceNumbered(topic, 3, 301, 600, bootstrap);
    const next = await runCli(['consume', topic, '-g', group, '-e'], { env: { KSTREAM_BROKERS: bootstrap } });
    expect(next.code, next.stderr).toBe(0);
    const printed = new Set([...run.printed(), ...numbers(next.stdout)]);
    expect([...printed].sort((x, y) => x - y)).toEqual(range(1, 600));
    expect(await committed(group, topic, bootstrap)).toEqual([200, 200, 200]);
  }, 300_000);
});
