import { describe, expect, it } from 'vitest';
import { brokers, runCli, uniqueName } from '../helpers/cli.js';
import { createTestTopics, testKafka } from '../helpers/kafka.js';
import { highWatermark, waitFor } from '../helpers/pipeline.js';

/** Bytes that are not UTF-8 (a NUL, a lone 0xff): any decode to text changes them. */
const BINARY = Buffer.from([0x61, 0x00, 0x62, 0xff]);
const KEY = Buffer.from([0xfe, 0x01]);
const HEADER = Buffer.from([0xc3, 0x28]);

interface Raw {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const hex = (b: Buffer | null | undefined) => (b ? b.toString('hex') : null);

async function produceRaw(topic: string, messages: Array<{ key?: Buffer; value: Buffer; headers?: Record<string, Buffer> }>): Promise<void> {
  const producer = (await testKafka()).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

/** Every record of `topic` as hex, read with a read_committed kafkajs consumer (no decoding). */
async function readRaw(topic: string, count: number): Promise<Raw[]> {
  const consumer = (await testKafka()).consumer({ groupId: uniqueName('check'), readUncommitted: false });
  const out: Raw[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, hex(v as Buffer)!]));
      out.push({ key: hex(message.key), value: hex(message.value), headers });
    },
  });
  await waitFor(`${count} records in ${topic}`, async () => out.length >= count, 60_000);
  await consumer.disconnect();
  return out;
}

async function binaryTopics(configs?: Record<string, string>): Promise<[string, string]> {
  const [src, dst] = [uniqueName('bytes-src'), uniqueName('bytes-dst')];
  await createTestTopics([src], 1);
  await createTestTopics([dst], 1, { configs });
  await produceRaw(src, [{ key: KEY, value: BINARY, headers: { h: HEADER } }]);
  return [src, dst];
}

const original = { key: hex(KEY), value: hex(BINARY), headers: { h: hex(HEADER)! } };

describe('pipeline run keeps bytes unchanged', () => {
  it.each([
    ['no transform', []],
    ["--map 'r.value'", ['--map', 'r.value']],
    ["--map 'r.bytes'", ['--map', 'r.bytes']],
    ['--map returning key, value and headers', ['--map', '({key: r.key, value: r.value, headers: r.headers})']],
  ])('%s: key, value and headers that are not UTF-8', async (_name, transform) => {
    const [src, dst] = await binaryTopics();
    const r = await runCli(['pipeline', 'run', '--from', src, '--to', dst, ...transform, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(await readRaw(dst, 1)).toEqual([original]);
  });

  it('--exec in lines mode: the value read and the bytes a command prints', async () => {
    const [src, dst] = await binaryTopics();
    const r = await runCli(['pipeline', 'run', '--from', src, '--to', dst, '--exec', "cat; printf 'a\\0b\\377'", '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect((await readRaw(dst, 2)).map((x) => x.value)).toEqual(['610062ff', '610062ff']);
  });

  it('lets --map read the bytes of a value that is not UTF-8', async () => {
    const [src, dst] = await binaryTopics();
    const r = await runCli(['pipeline', 'run', '--from', src, '--to', dst, '--map', '[...r.bytes].join(" ")', '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect((await readRaw(dst, 1)).map((x) => Buffer.from(x.value!, 'hex').toString())).toEqual(['97 0 98 255']);
  });
});

describe('pipeline run with an output larger than max.message.bytes', () => {
  const BIG = "r.value === 'big' ? 'x'.repeat(20000) : r.value";

  async function topics(): Promise<[string, string, string]> {
    const [src, dst, dlq] = [uniqueName('big-src'), uniqueName('big-dst'), uniqueName('big-dlq')];
    await createTestTopics([src, dlq], 1);
    await createTestTopics([dst], 1, { configs: { 'max.message.bytes': '10000' } });
    const producer = (await testKafka()).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: src, messages: ['a', 'big', 'b'].map((value) => ({ value })) });
    await producer.disconnect();
    return [src, dst, dlq];
  }

  it('sends the record that became too large to the DLQ, and the rest on', async () => {
    const [src, dst, dlq] = await topics();
    const r = await runCli(['pipeline', 'run', '--from', src, '--to', dst, '--map', BIG, '--dlq', dlq, '--exit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`the record at ${src} partition 0 offset 1 became`);
    expect((await readRaw(dst, 2)).map((x) => Buffer.from(x.value!, 'hex').toString())).toEqual(['a', 'b']);
    const [dead] = await readRaw(dlq, 1);
    expect(Buffer.from(dead!.value!, 'hex').toString()).toBe('big');
    expect(Buffer.from(dead!.headers['kstream-error']!, 'hex').toString()).toMatch(/more than the 10000 bytes topic '.*' accepts \(max\.message\.bytes\)/);
  });

  it('without --dlq stops at once, naming the stage, topic, partition and offset, and commits nothing', async () => {
    const [src, dst] = await topics();
    const r = await runCli(['pipeline', 'run', '--from', src, '--to', dst, '--map', BIG, '--exit']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('retry');
    expect(r.stderr).not.toContain('reconnecting');
    const last = r.stderr.trim().split('\n').filter((l) => l.startsWith('error:'));
    expect(last).toHaveLength(1);
    expect(last[0]).toMatch(new RegExp(`^error: stage ${dst}: the record at ${src} partition 0 offset 1 became \\d+ bytes, more than the 10000 bytes topic '${dst}' accepts \\(max.message.bytes\\); stopped at ${src} partition 0 offsets 0-2, not committed`));
    expect(await highWatermark(brokers(), dst)).toBe(0);
  });
});
