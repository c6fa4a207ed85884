// kstream configs against the real broker: topics, one broker and the broker defaults, groups
// (which Kafka 3.9 lacks), client quotas, and the failure paths as one line with an exit code.
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopics, withTestAdmin } from '../helpers/kafka.js';

interface Entry { name: string; value: string | null; source: string; synonyms: Array<{ name: string; value: string | null; source: string }> }

async function configsOf(args: string[]): Promise<Entry[]> {
  const r = await runCli(['configs', 'describe', ...args, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { configs: Entry[] }).configs;
}

/** The one `error:` line of a failed run, and its exit code. */
async function failure(args: string[]): Promise<{ code: number | null; line: string }> {
  const r = await runCli(args);
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines, r.stderr).toHaveLength(1);
  return { code: r.code, line: lines[0]! };
}

const nodeId = () => withTestAdmin(async (a) => String((await a.describeCluster()).brokers[0]!.nodeId));
const cleanup: string[][] = [];
afterAll(async () => {
  for (const args of cleanup) await runCli(['configs', 'alter', ...args]);
});

describe('kstream configs on topics', () => {
  it('sets, shows with source and synonyms, and deletes topic configs', async () => {
    const topic = uniqueName('cfg');
    await createTestTopics([topic]);
    const set = await runCli(['configs', 'alter', '--topic', topic, '--add-config', 'retention.ms=3600000,cleanup.policy=[compact,delete]']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toBe(`topic ${topic}: set retention.ms=3600000\ntopic ${topic}: set cleanup.policy=compact,delete\n`);

    const own = await configsOf(['--topic', topic]);
    expect(own.map((e) => [e.name, e.value, e.source])).toEqual([
      ['cleanup.policy', 'compact,delete', 'DYNAMIC_TOPIC_CONFIG'],
      ['retention.ms', '3600000', 'DYNAMIC_TOPIC_CONFIG'],
    ]);
    // The synonyms say what it falls back to: the broker's log.cleanup.policy default.
    expect(own[0]!.synonyms).toContainEqual({ name: 'log.cleanup.policy', value: 'delete', source: 'DEFAULT_CONFIG' });

    const all = await configsOf(['--entity-type', 'topics', '--entity-name', topic, '--all']);
    expect(all.find((e) => e.name === 'segment.bytes')).toMatchObject({ source: 'DEFAULT_CONFIG' });
    expect(all.find((e) => e.name === 'retention.ms')).toMatchObject({ source: 'DYNAMIC_TOPIC_CONFIG', value: '3600000' });

    const table = await runCli(['configs', 'describe', '--topic', topic]);
    expect(table.stdout.split('\n')[0]).toBe('NAME\tVALUE\tSOURCE\tREAD-ONLY\tSENSITIVE\tSYNONYMS');
    expect(table.stdout).toContain('cleanup.policy\tcompact,delete\tDYNAMIC_TOPIC_CONFIG\tfalse\tfalse\tDEFAULT_CONFIG:log.cleanup.policy=delete\n');

    const del = await runCli(['configs', 'alter', '--topic', topic, '--delete-config', 'retention.ms']);
    expect(del.code, del.stderr).toBe(0);
    expect((await configsOf(['--topic', topic])).map((e) => e.name)).toEqual(['cleanup.policy']);
  });

  it('keeps both of two alters of different keys made at the same time (configs alter and topics alter --config)', async () => {
    const topic = uniqueName('cfg-race');
    await createTestTopics([topic]);
    const changes: Array<[string, string]> = [
      ['retention.ms', '3600001'], ['segment.ms', '3600002'], ['max.message.bytes', '100003'], ['retention.bytes', '100004'],
      ['delete.retention.ms', '100005'], ['flush.messages', '100006'], ['min.compaction.lag.ms', '100007'], ['file.delete.delay.ms', '100008'],
    ];
    // Half through each command; every one reads the configs first, then writes only its own key.
    const runs = await Promise.all(changes.map(([k, v], i) => (i % 2
      ? runCli(['configs', 'alter', '--topic', topic, '--add-config', `${k}=${v}`])
      : runCli(['topics', 'alter', topic, '--config', `${k}=${v}`]))));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const own = new Map((await configsOf(['--topic', topic])).map((e) => [e.name, e.value]));
    expect(Object.fromEntries(own)).toEqual(Object.fromEntries(changes));
  });

  it('fails in one line with an exit code: unknown topic, unknown key, bad value, nothing to delete', async () => {
    const topic = uniqueName('cfg-bad');
    await createTestTopics([topic]);
    expect(await failure(['configs', 'describe', '--topic', 'no-such-topic-' + topic])).toEqual({ code: 1, line: `error: topic 'no-such-topic-${topic}' does not exist (see \`kstream topics list\`)` });
    expect(await failure(['configs', 'alter', '--topic', 'no-such-topic-' + topic, '--add-config', 'retention.ms=1'])).toMatchObject({ code: 1, line: expect.stringContaining('does not exist') });
    expect(await failure(['configs', 'alter', '--topic', topic, '--add-config', 'no.such.config=1'])).toMatchObject({ code: 1, line: expect.stringContaining('Unknown topic config name: no.such.config') });
    expect(await failure(['configs', 'alter', '--topic', topic, '--add-config', 'retention.ms=soon'])).toMatchObject({ code: 1, line: expect.stringContaining('Invalid value soon for configuration retention.ms') });
    expect(await failure(['configs', 'alter', '--topic', topic, '--delete-config', 'no.such.config'])).toMatchObject({ code: 1, line: expect.stringContaining(`'no.such.config' is not a config of topic ${topic}`) });
  });
});

describe('kstream configs on brokers', () => {
  it("changes one broker's dynamic config, and shows where each value comes from", async () => {
    const id = await nodeId();
    cleanup.push(['--broker', id, '--delete-config', 'log.cleaner.threads']);
    const set = await runCli(['configs', 'alter', '--entity-type', 'brokers', '--entity-name', id, '--add-config', 'log.cleaner.threads=2']);
    expect(set.code, set.stderr).toBe(0);
    const own = await configsOf(['--broker', id]);
    const threads = own.find((e) => e.name === 'log.cleaner.threads');
    expect(threads).toMatchObject({ value: '2', source: 'DYNAMIC_BROKER_CONFIG' });
    expect(threads!.synonyms).toContainEqual({ name: 'log.cleaner.threads', value: '1', source: 'DEFAULT_CONFIG' });
    // A static setting of server.properties, seen with --all.
    expect((await configsOf(['--broker', id, '--all'])).find((e) => e.name === 'node.id')).toMatchObject({ value: id, source: 'STATIC_BROKER_CONFIG' });

    expect((await runCli(['configs', 'alter', '--broker', id, '--delete-config', 'log.cleaner.threads'])).code).toBe(0);
    expect((await configsOf(['--broker', id])).find((e) => e.name === 'log.cleaner.threads')).toBeUndefined();
  });

  it('sets a cluster-wide default that every broker then reports as DYNAMIC_DEFAULT_BROKER_CONFIG', async () => {
    const id = await nodeId();
    cleanup.push(['--broker-defaults', '--delete-config', 'log.cleaner.backoff.ms']);
    const set = await runCli(['configs', 'alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.cleaner.backoff.ms=16000']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toBe('the broker defaults: set log.cleaner.backoff.ms=16000\n');
    expect((await configsOf(['--broker-defaults'])).map((e) => [e.name, e.value, e.source])).toContainEqual(['log.cleaner.backoff.ms', '16000', 'DYNAMIC_DEFAULT_BROKER_CONFIG']);
    expect((await configsOf(['--broker', id, '--all'])).find((e) => e.name === 'log.cleaner.backoff.ms')).toMatchObject({ value: '16000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' });
    expect((await runCli(['configs', 'alter', '--broker-defaults', '--delete-config', 'log.cleaner.backoff.ms'])).code).toBe(0);
    expect((await configsOf(['--broker', id, '--all'])).find((e) => e.name === 'log.cleaner.backoff.ms')).toMatchObject({ source: 'DEFAULT_CONFIG' });
  });

  it('refuses a static config, an unknown broker and a non-numeric id in one line', async () => {
    const id = await nodeId();
    expect(await failure(['configs', 'alter', '--broker', id, '--add-config', 'log.dirs=/tmp/x'])).toMatchObject({ code: 1, line: expect.stringContaining('Cannot update these configs dynamically: Set(log.dirs)') });
    expect(await failure(['configs', 'describe', '--broker', '4242'])).toEqual({ code: 1, line: 'error: broker 4242 is not in this cluster (use the node id of a running broker)' });
    expect(await failure(['configs', 'describe', '--broker', 'one'])).toMatchObject({ code: 1, line: expect.stringContaining("'one' is not a broker id") });
  });
});

describe('kstream configs on groups, and client quotas', () => {
  // The test broker is Kafka 3.9, which has no group configs (ConfigResource type 32, KIP-848).
  it('says this broker does not support group configs, exit 2', async () => {
    for (const args of [['configs', 'describe', '--group', 'g'], ['configs', 'alter', '--group', 'g', '--add-config', 'consumer.session.timeout.ms=50000']]) {
      const f = await failure(args);
      expect(f.code, args.join(' ')).toBe(2);
      expect(f.line, args.join(' ')).toMatch(/^error: this broker does not support configs of groups: /);
    }
  });

  it('sets, shows and deletes the quotas of a client id, a user and the client default (AlterClientQuotas)', async () => {
    const client = uniqueName('quota-client');
    const user = uniqueName('quota-user');
    const set = await runCli(['configs', 'alter', '--entity-type', 'clients', '--entity-name', client, '--add-config', 'producer_byte_rate=1048576,consumer_byte_rate=2097152']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr).toBe(`client ${client}: set quota producer_byte_rate=1048576\nclient ${client}: set quota consumer_byte_rate=2097152\n`);
    const shown = await runCli(['configs', 'describe', '--client', client, '-o', 'json']);
    expect(JSON.parse(shown.stdout)).toEqual({ entityType: 'clients', entityName: client, quotas: [{ key: 'consumer_byte_rate', value: 2097152 }, { key: 'producer_byte_rate', value: 1048576 }] });
    expect((await runCli(['configs', 'alter', '--client', client, '--delete-config', 'producer_byte_rate'])).code).toBe(0);
    expect((await runCli(['configs', 'describe', '--client', client])).stdout).toBe('NAME\tVALUE\nconsumer_byte_rate\t2097152\n');
    expect((await runCli(['configs', 'alter', '--client', client, '--delete-config', 'consumer_byte_rate'])).code).toBe(0);
    expect((await runCli(['configs', 'describe', '--client', client])).stdout).toBe('NAME\tVALUE\n');

    expect((await runCli(['configs', 'alter', '--user', user, '--add-config', 'request_percentage=50'])).code).toBe(0);
    expect((await runCli(['configs', 'describe', '--entity-type', 'users', '--entity-name', user])).stdout).toBe('NAME\tVALUE\nrequest_percentage\t50\n');
    expect((await runCli(['configs', 'alter', '--user', user, '--delete-config', 'request_percentage'])).code).toBe(0);

    cleanup.push(['--entity-type', 'clients', '--entity-default', '--delete-config', 'request_percentage']);
    expect((await runCli(['configs', 'alter', '--entity-type', 'clients', '--entity-default', '--add-config', 'request_percentage=400'])).stderr).toBe('the client defaults: set quota request_percentage=400\n');
    expect((await runCli(['configs', 'describe', '--entity-type', 'clients', '--entity-default'])).stdout).toContain('request_percentage\t400\n');
    expect((await runCli(['configs', 'alter', '--entity-type', 'clients', '--entity-default', '--delete-config', 'request_percentage'])).code).toBe(0);
  });

  it('refuses an unknown quota key and a value that is not a number in one line', async () => {
    const client = uniqueName('quota-bad');
    expect(await failure(['configs', 'alter', '--client', client, '--add-config', 'no_such_quota=1'])).toMatchObject({ code: 1, line: expect.stringContaining(`Kafka refused the quotas of client ${client}: Invalid configuration key no_such_quota`) });
    expect(await failure(['configs', 'alter', '--client', client, '--add-config', 'producer_byte_rate=fast'])).toMatchObject({ code: 1, line: expect.stringContaining("quota producer_byte_rate must be a number, got 'fast'") });
  });
});
