import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureKafkaJars } from '../../src/local/distribution.js';
import { brokers, runBytes, runCli, uniqueName, type BytesResult } from '../helpers/cli.js';
import { createTestTopic } from '../helpers/consume.js';
import { testKafka } from '../helpers/kafka.js';
import { javaOn } from '../helpers/kafka-tools.js';

// Records written by independent producers (kcat/librdkafka, Kafka's Java console producer, a kafkajs
// transactional producer) are read back by consume's own fetch path byte for byte.
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** Runs the built CLI and keeps stdout as bytes. */
function consumeBytes(args: string[]): Promise<BytesResult> {
  return runBytes(process.execPath, ['bin/kstream.js', 'consume', ...args], { env: { ...process.env, KSTREAM_BROKERS: brokers(), NO_COLOR: '1' } });
}

function kcat(args: string[], input?: Buffer | string): Buffer {
  const r = spawnSync('kcat', ['-b', brokers(), ...args], { input });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

describe('consume reads what kcat wrote', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kstream-interop-'));
  // A value with NUL, invalid UTF-8, newlines and no trailing newline: one message from a file.
  const binary = Buffer.from([0x61, 0x00, 0x62, 0xff, 0x0a, 0x0a, 0x63, 0x64, 0xc3, 0x28]);
  const big = Buffer.alloc(300_000, 'z');
  writeFileSync(join(dir, 'binary'), binary);
  writeFileSync(join(dir, 'big'), big);

  for (const codec of CODECS) {
    it(`with -z ${codec}: keys, headers, binary and large values`, async () => {
      const topic = uniqueName(`interop-kcat-${codec}`);
      await createTestTopic(topic, 1);
      kcat(['-P', '-t', topic, '-z', codec, '-K:', '-H', 'trace=abc', '-H', 'dup=1', '-H', 'dup=2'], 'k1:v1\nk2:hello wörld\n:no key\n');
      kcat(['-P', '-t', topic, '-z', codec, join(dir, 'binary'), join(dir, 'big')]);
      const format = '%k|%s|%h|%K|%S\\n';
      const mine = await consumeBytes([topic, '--from-beginning', '-e', '-q', '--format', format]);
      expect(mine.code, mine.stderr).toBe(0);
      // kcat reading the same topic is the second, independent reader.
      expect(mine.stdout.equals(kcat(['-C', '-t', topic, '-e', '-q', '-f', format.replace('\\n', '\n')]))).toBe(true);
      const values = await consumeBytes([topic, '--offset', '3', '-e', '-q', '--format', '%s']);
      expect(values.stdout.equals(Buffer.concat([binary, big]))).toBe(true);
    });
  }
});

describe("consume reads what Kafka's Java console producer wrote", () => {
  let libs: string;
  beforeAll(async () => {
    libs = await ensureKafkaJars(process.env, () => undefined);
  });

  for (const codec of CODECS) {
    it(`with --compression-codec ${codec}${codec === 'snappy' ? ' (xerial framing)' : ''}`, async () => {
      const topic = uniqueName(`interop-java-${codec}`);
      await createTestTopic(topic, 1);
      const lines = ['trace:t1,dup:a,dup:b\tk1:v1', 'n:x\tk2:ünïcode value', 'h:\tk3:{"json":[1,2]}'];
      const args = ['--bootstrap-server', brokers(), '--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:', '--property', 'parse.headers=true'];
      if (codec !== 'none') args.push('--compression-codec', codec);
      const [cmd, ...javaArgs] = javaOn(libs, 'kafka.tools.ConsoleProducer', args);
      const java = spawnSync(cmd!, javaArgs, { input: lines.join('\n') + '\n', encoding: 'utf8' });
      expect(java.status, java.stderr).toBe(0);
      const r = await consumeBytes([topic, '--from-beginning', '-e', '-q', '--format', '%k=%s [%h]\\n']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.toString('utf8')).toBe('k1=v1 [trace=t1,dup=a,dup=b]\nk2=ünïcode value [n=x]\nk3={"json":[1,2]} [h=]\n');
    });
  }
});

describe('consume read_committed with interleaved, compressed transactions', () => {
  it('shows only committed transactions of two producers sharing a partition', async () => {
    const topic = uniqueName('interop-tx');
    await createTestTopic(topic, 1);
    const kafka = await testKafka();
    const { CompressionTypes } = await import('kafkajs').then((m) => (m as unknown as { default: typeof import('kafkajs') }).default);
    const a = kafka.producer({ transactionalId: uniqueName('tx-a'), idempotent: true, maxInFlightRequests: 1 });
    const b = kafka.producer({ transactionalId: uniqueName('tx-b'), idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([a.connect(), b.connect()]);
    const ta = await a.transaction();
    const tb = await b.transaction();
    await ta.send({ topic, compression: CompressionTypes.GZIP, messages: [{ value: 'a-aborted-1' }, { value: 'a-aborted-2' }] });
    await tb.send({ topic, compression: CompressionTypes.GZIP, messages: [{ value: 'b-1' }] });
    await ta.send({ topic, messages: [{ value: 'a-aborted-3' }] });
    await tb.send({ topic, messages: [{ value: 'b-2' }] });
    await ta.abort();
    await tb.commit();
    const ta2 = await a.transaction();
    await ta2.send({ topic, compression: CompressionTypes.GZIP, messages: [{ value: 'a-committed' }] });
    await ta2.commit();
    await Promise.all([a.disconnect(), b.disconnect()]);

    const rc = await runCli(['consume', topic, '--from-beginning', '-e', '-q']);
    expect(rc.code, rc.stderr).toBe(0);
    expect(rc.stdout).toBe('b-1\nb-2\na-committed\n');
    const ru = await runCli(['consume', topic, '--from-beginning', '-e', '-q', '--isolation-level', 'read_uncommitted']);
    expect(ru.stdout).toBe('a-aborted-1\na-aborted-2\nb-1\na-aborted-3\nb-2\na-committed\n');
  });
});
