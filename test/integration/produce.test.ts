import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, brokers, runCli, uniqueName } from '../helpers/cli.js';
import { withTestAdmin } from '../helpers/kafka.js';
import { countRecords, createTopic, kcat, lines, readTopic } from '../helpers/produce.js';
import { partitionForKey } from '../../src/commands/produce/partitioner.js';

const topicWith = (partitions: number, configs: Record<string, string> = {}) => createTopic('produce', partitions, configs);

/** The single `error:` line of a failed run. */
function errorLine(stderr: string): string {
  const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(errors, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return errors[0]!;
}

const tmp = mkdtempSync(join(tmpdir(), 'kstream-produce-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('kstream produce', () => {
  it('sends keyed lines as they are, with headers, in order per partition, one partition per key', async () => {
    const topic = await topicWith(3);
    const input = lines(40, 1, (i) => `user-${i % 5}:event ${i}: ok`);
    const r = await runCli(['produce', topic, '-K:', '-H', 'src=test', '-H', 'tag=a', '-H', 'tag=b'], { input });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^40 records, \d+ bytes in \d+\.\d s \(\d+ records\/s\)\n$/);

    const records = await readTopic(topic);
    expect(records).toHaveLength(40);
    for (const rec of records) {
      const i = Number(/event (\d+)/.exec(rec.value!)![1]);
      expect(rec.key).toBe(`user-${i % 5}`);
      expect(rec.value).toBe(`event ${i}: ok`);
      expect(rec.headers).toEqual({ src: 'test', tag: ['a', 'b'] });
      // The Java client's partition for this key.
      expect(rec.partition).toBe(partitionForKey(Buffer.from(rec.key!), 3));
    }
    for (let p = 0; p < 3; p++) {
      const order = records.filter((x) => x.partition === p).map((x) => Number(/event (\d+)/.exec(x.value!)![1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    const partitionsPerKey = new Map<string, Set<number>>();
    for (const rec of records) partitionsPerKey.set(rec.key!, (partitionsPerKey.get(rec.key!) ?? new Set()).add(rec.partition));
    expect([...partitionsPerKey.values()].every((s) => s.size === 1)).toBe(true);
  });

  it('sends unkeyed lines across partitions with null keys; CRLF, empty lines and a last line without newline', async () => {
    const topic = await topicWith(2);
    const r = await runCli(['produce', topic, '--quiet'], { input: 'one\r\n\ntwo\nthree' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const records = await readTopic(topic);
    expect(records.map((x) => x.value).sort()).toEqual(['', 'one', 'three', 'two']);
    expect(records.every((x) => x.key === null)).toBe(true);
    expect(new Set(records.map((x) => x.partition)).size).toBe(2);
  });

  it('reads files in order, with one key, a fixed partition, a custom delimiter and tombstones', async () => {
    const topic = await topicWith(3);
    const a = file('a.txt', 'a1;a2;');
    const b = file('b.txt', 'NULL;b2');
    const r = await runCli(['produce', topic, '--file', a, '--file', b, '--key', 'k', '--partition', '2', '--delimiter', ';', '--null-value', 'NULL', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const records = await readTopic(topic);
    expect(records.map((x) => [x.partition, x.key, x.value])).toEqual([[2, 'k', 'a1'], [2, 'k', 'a2'], [2, 'k', null], [2, 'k', 'b2']]);
  });

  it("accepts Kafka's console-producer properties and --allow-missing-key", async () => {
    const topic = await topicWith(1);
    const props = await runCli(['produce', topic, '--property', 'parse.key=true', '--property', 'key.separator=|', '-q'], { input: 'k1|v1\nk2|v|2\n' });
    expect(props.code, props.stderr).toBe(0);
    const missing = await runCli(['produce', topic, '-K', '|', '--allow-missing-key', '-q'], { input: 'novalue\n' });
    expect(missing.code, missing.stderr).toBe(0);
    const records = await readTopic(topic);
    expect(records.map((x) => [x.key, x.value])).toEqual([['k1', 'v1'], ['k2', 'v|2'], [null, 'novalue']]);
  });

  it('copies JSON envelopes losslessly: keys, null values, headers, partitions, timestamps, binary', async () => {
    const topic = await topicWith(3);
    const input = [
      '{"topic":"elsewhere","partition":2,"offset":9,"timestamp":1700000000000,"key":"k1","value":"v1","headers":{"h":"x","multi":["1","2"]}}',
      '{"key":"k1","value":null,"partition":2,"timestamp":1700000000001}',
      '{"key":null,"value":"no key","partition":0,"timestamp":1700000000002}',
      '{"key":"/w==","keyEncoding":"base64","value":"{\\"nested\\":true}","partition":1,"timestamp":1700000000003}',
    ].join('\n');
    const r = await runCli(['produce', topic, '--input', 'json', '-H', 'copied=yes', '-q'], { input });
    expect(r.code, r.stderr).toBe(0);
    const records = await readTopic(topic);
    expect(records.map(({ partition, offset, key, value, headers, timestamp }) => ({ partition, offset, key, value, headers, timestamp }))).toEqual([
      { partition: 0, offset: 0, key: null, value: 'no key', headers: { copied: 'yes' }, timestamp: '1700000000002' },
      { partition: 1, offset: 0, key: Buffer.from([0xff]).toString(), value: '{"nested":true}', headers: { copied: 'yes' }, timestamp: '1700000000003' },
      { partition: 2, offset: 0, key: 'k1', value: 'v1', headers: { copied: 'yes', h: 'x', multi: ['1', '2'] }, timestamp: '1700000000000' },
      { partition: 2, offset: 1, key: 'k1', value: null, headers: { copied: 'yes' }, timestamp: '1700000000001' },
    ]);
  });

  it('prints partition and offset per record with --output json, in input order', async () => {
    const topic = await topicWith(2);
    const first = await runCli(['produce', topic, '-K:', '-o', 'json', '-q'], { input: 'a:1\nb:2\na:3\nb:4\n' });
    expect(first.code, first.stderr).toBe(0);
    const printed = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as { partition: number; offset: number });
    const records = await readTopic(topic);
    const where = (v: string) => records.find((x) => x.value === v)!;
    expect(printed).toEqual(['1', '2', '3', '4'].map((v) => ({ partition: where(v).partition, offset: where(v).offset })));
    const again = await runCli(['produce', topic, '--partition', '1', '-o', 'json', '-q'], { input: 'x\ny\n' });
    const base = records.filter((x) => x.partition === 1).length;
    expect(again.stdout).toBe(`{"partition":1,"offset":${base}}\n{"partition":1,"offset":${base + 1}}\n`);
  });

  it('stops cleanly when the reader of --output json goes away', async () => {
    const topic = await topicWith(1);
    const r = spawnSync('bash', ['-c', `seq 1 200000 | ${process.execPath} ${BIN} produce ${topic} -o json | head -1; exit \${PIPESTATUS[1]}`], {
      encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', KSTREAM_BROKERS: brokers() },
    });
    expect(r.stdout).toBe('{"partition":0,"offset":0}\n');
    expect(r.status).toBe(1);
    const acked = Number(/stopped after (\d+) records, each acknowledged/.exec(errorLine(r.stderr))![1]);
    expect(await countRecords(topic)).toBe(acked);
  });

  it('creates a missing topic only with --create-topic', async () => {
    const topic = uniqueName('produce-new');
    const refused = await runCli(['produce', topic], { input: 'x\n' });
    expect(refused.code).toBe(1);
    expect(errorLine(refused.stderr)).toBe(`error: topic '${topic}' does not exist (create it with \`kstream topics create ${topic}\`, or pass --create-topic)`);
    const created = await runCli(['produce', topic, '--create-topic', '--partitions', '4'], { input: 'x\n' });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain(`created topic '${topic}'`);
    const { topics } = await withTestAdmin((a) => a.fetchTopicMetadata({ topics: [topic] }));
    expect(topics[0]!.partitions).toHaveLength(4);
    expect(await countRecords(topic)).toBe(1);
  });

  it('stops at a line without the key separator: what came before is acknowledged, nothing after is sent', async () => {
    const topic = await topicWith(2);
    const r = await runCli(['produce', topic, '-K:'], { input: 'a:1\nb:2\nbroken\nc:3\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^2 records, 4 bytes in/);
    expect(errorLine(r.stderr)).toBe(
      "error: 2 of 3 records acknowledged; first failed: line 3 has no key separator ':' (fix the line, or pass --allow-missing-key to send such lines with a null key)",
    );
    expect(await countRecords(topic)).toBe(2);
  });

  it('names the file and line of bad input in a second file', async () => {
    const topic = await topicWith(1);
    const good = file('good.json', '{"value":"1"}\n');
    const bad = file('bad.json', '{"value":"2"}\n{"value":\n');
    const r = await runCli(['produce', topic, '--input', 'json', '-f', good, '-f', bad]);
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(new RegExp(`^error: 2 of 3 records acknowledged; first failed: line 2 of ${bad} is not valid JSON`));
    expect(await countRecords(topic)).toBe(2);
  });

  it('refuses a record larger than the topic accepts, naming its line', async () => {
    const topic = await topicWith(1, { 'max.message.bytes': '300' });
    const r = await runCli(['produce', topic], { input: `small\n${'x'.repeat(400)}\nafter\n` });
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(
      new RegExp(`^error: 1 of 2 records acknowledged; first failed: line 2 is longer than the 300 bytes topic '${topic}' accepts \\(max\\.message\\.bytes\\)`),
    );
    expect(await countRecords(topic)).toBe(1);
    // Under the line limit, over the record limit once Kafka's framing is added.
    const framed = await runCli(['produce', topic, '-K:'], { input: `k:${'y'.repeat(270)}\n` });
    // The size named is the one compared with the limit: it must be the larger of the two.
    expect(errorLine(framed.stderr)).toMatch(/^error: 0 of 1 records acknowledged; first failed: line 1 is a record of about 353 bytes with Kafka's framing, more than the 300 bytes/);
    // Many small records fill more than 300 bytes together: they go in several batches.
    const many = await runCli(['produce', topic, '-q'], { input: lines(50) });
    expect(many.code, many.stderr).toBe(0);
    expect(await countRecords(topic)).toBe(51);
  });

  it('refuses a line longer than --max-line-bytes', async () => {
    const topic = await topicWith(1);
    const r = await runCli(['produce', topic, '--max-line-bytes', '5'], { input: 'short\ntoo long\nx\n' });
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(/^error: 1 of 2 records acknowledged; first failed: line 2 is longer than --max-line-bytes 5 \(raise --max-line-bytes, or check --delimiter\)$/);
    expect(await countRecords(topic)).toBe(1);
  });

  it('rejects bad flags and partitions with one line', async () => {
    const topic = await topicWith(2);
    const cases: Array<[string[], string, RegExp]> = [
      [['--property', 'ignore.errors=true'], 'x\n', /unknown --property 'ignore.errors'/],
      [['--partition', '5'], 'x\n', /--partition 5 does not exist: topic '.*' has 2 \(0-1\)/],
      [['--input', 'json'], '{"value":"v","partition":7}\n', /0 of 1 records acknowledged; first failed: line 1 names partition 7, but topic '.*' has 2/],
      [['--file', join(tmp, 'missing.txt')], '', /cannot read --file .*missing.txt: no such file/],
      [['-K:', '--key', 'k'], 'x\n', /only one of --key-separator, --key/],
    ];
    for (const [args, input, message] of cases) {
      const r = await runCli(['produce', topic, ...args], { input });
      expect(r.code, args.join(' ')).toBe(1);
      expect(errorLine(r.stderr)).toMatch(message);
    }
    expect(await countRecords(topic)).toBe(0);
  });

  it('fails with exit 3 when no broker answers', async () => {
    const r = await runCli(['produce', 'anything', '-b', '127.0.0.1:1', '--timeout', '2s'], { input: 'x\n' });
    expect(r.code).toBe(3);
    expect(errorLine(r.stderr)).toMatch(/^error: (cannot connect to|no answer from) the Kafka broker at 127\.0\.0\.1:1/);
  });

  it('redraws a progress line on a terminal, then prints the summary', async () => {
    const topic = await topicWith(1);
    // script(1) gives the CLI a pseudo-terminal for stderr; the input pauses past one progress tick.
    const command = `(printf 'a\\n'; sleep 4; printf 'b\\n') | ${process.execPath} ${BIN} produce ${topic}`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', KSTREAM_BROKERS: brokers() }, input: '' });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^(\r\x1b\[K[01] records sent, \d+ records\/s)+\r\x1b\[K2 records, 2 bytes in [\d.]+ s \(\d+ records\/s\)\r?\n$/);
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])('compresses with %s, readable by other clients', async (codec) => {
    const topic = await topicWith(1);
    const r = await runCli(['produce', topic, '--compression', codec, '-K:', '--acks', '1', '-q'], { input: lines(20, 1, (i) => `k${i}:${'v'.repeat(50)}${i}`) });
    expect(r.code, r.stderr).toBe(0);
    // kcat (librdkafka) decompresses every codec Kafka knows.
    expect(kcat(['-C', '-t', topic, '-e', '-q', '-f', '%k:%s\n'])).toBe(lines(20, 1, (i) => `k${i}:${'v'.repeat(50)}${i}`));
  });
});
