// JSON envelopes against the real broker: binary headers survive consume -o json | produce --input json,
// kcat -J lines are records (not tombstones), and bad envelopes are errors naming line and field.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { IHeaders } from '../../src/kafka/kafkajs.js';
import { runCli } from '../helpers/cli.js';
import { testKafka } from '../helpers/kafka.js';
import { countRecords, createTopic, kcat } from '../helpers/produce.js';

interface Raw {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers: IHeaders;
}

/** Every record of `topic` as raw bytes (kafkajs, not kstream), in partition and offset order. */
async function readRaw(topic: string): Promise<Raw[]> {
  const admin = (await testKafka()).admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = offsets.reduce((n, p) => n + Number(p.high), 0);
  const consumer = (await testKafka()).consumer({ groupId: `read-${topic}` });
  const out: Raw[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${expected}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ partition, message: m }) => {
          out.push({ partition, offset: m.offset, key: m.key, value: m.value, timestamp: m.timestamp, headers: m.headers ?? {} });
          if (out.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

const asBytes = (h: IHeaders) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map((x) => Buffer.from(x as Buffer).toString('hex'))]));

describe('binary headers in JSON envelopes', () => {
  it('consume -o json marks them and produce --input json writes the same bytes back', async () => {
    const [src, dst] = [await createTopic('env-hdr-src', 1), await createTopic('env-hdr-dst', 1)];
    const producer = (await testKafka()).producer();
    await producer.connect();
    await producer.send({
      topic: src,
      messages: [
        { key: 'k1', value: 'v1', headers: { bin: Buffer.from([0xff, 0x00, 0xfe]), text: 'plain' } },
        { key: 'k2', value: 'v2', headers: { text: 'only text' } },
      ],
    });
    await producer.disconnect();

    const out = await runCli(['consume', src, '--from-beginning', '-e', '--output', 'json', '-q']);
    expect(out.code, out.stderr).toBe(0);
    const [first, second] = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(first).toMatchObject({ headers: { bin: '/wD+', text: 'cGxhaW4=' }, headersEncoding: 'base64' });
    expect(second.headers).toEqual({ text: 'only text' });
    expect(second.headersEncoding).toBeUndefined();

    const back = await runCli(['produce', dst, '--input', 'json', '-q'], { input: out.stdout });
    expect(back.code, back.stderr).toBe(0);
    const [a, b] = await readRaw(dst);
    expect(asBytes(a!.headers)).toEqual({ bin: ['ff00fe'], text: [Buffer.from('plain').toString('hex')] });
    expect(asBytes(b!.headers)).toEqual({ text: [Buffer.from('only text').toString('hex')] });
  });
});

describe('kcat -J output as produce --input json', () => {
  it('copies keys, values, headers, timestamps and partitions, and kcat reads the copy back the same', async () => {
    const [src, dst] = [await createTopic('env-kcat-src', 2), await createTopic('env-kcat-dst', 2)];
    kcat(['-P', '-t', src, '-p', '0', '-K:', '-H', 'trace=abc', '-H', 'trace=def'], 'a:first\nb:second\n');
    kcat(['-P', '-t', src, '-p', '1', '-K:', '-Z'], 'c:\n');
    kcat(['-P', '-t', src, '-p', '1'], 'keyless\n');
    const json = kcat(['-C', '-t', src, '-e', '-q', '-J']);
    expect(json.trim().split('\n')).toHaveLength(4);

    const r = await runCli(['produce', dst, '--input', 'json', '-q'], { input: json });
    expect(r.code, r.stderr).toBe(0);

    const view = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
      .map(({ partition, offset, key, payload, headers, ts }) => ({ partition, offset, key, payload, headers, ts }))
      .sort((x, y) => Number(x.partition) - Number(y.partition) || Number(x.offset) - Number(y.offset));
    const copied = view(kcat(['-C', '-t', dst, '-e', '-q', '-J']));
    expect(copied).toEqual(view(json));
    expect(copied.map((c) => c.payload)).toEqual(['first', 'second', null, 'keyless']);
  });
});

describe('bad envelopes', () => {
  it.each([
    ['invalid base64', '{"value":"@@@","valueEncoding":"base64"}', 'line 2: value is not valid base64'],
    ['odd hex', '{"key":"abc","keyEncoding":"hex","value":"v"}', 'line 2: key is not valid hex'],
    ['base64 with junk after the padding', '{"value":"QUJD=X","valueEncoding":"base64"}', 'line 2: value is not valid base64'],
    ['a fractional timestamp', '{"value":"v","timestamp":1700000000000.5}', 'line 2: timestamp must be a whole number of milliseconds'],
    ['a typo in a field name', '{"key":"k","valeu":"v"}', "line 2: unknown field 'valeu'"],
  ])('%s stops the run at that line, exit 1', async (_what, bad, message) => {
    const topic = await createTopic('env-bad', 1);
    const r = await runCli(['produce', topic, '--input', 'json'], { input: `{"value":"ok"}\n${bad}\n{"value":"after"}\n` });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toContain(`error: 1 of 2 records acknowledged; first failed: ${message}`);
    expect(await countRecords(topic)).toBe(1);
  });
});

it('kcat is installed for these tests', () => expect(spawnSync('kcat', ['-V']).status).toBe(0));
