import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compressorFor } from '../../src/kafka/codec/compress.js';
import { BatchBuilder, encodeHeaders, NO_HEADERS } from '../../src/kafka/codec/encode.js';
import { decodeRecordBatch } from '../../src/kafka/fetch/kafkajs-decoder.js';

const require = createRequire(import.meta.url);
// kafkajs's own decoder (this test never installs the replacement) and its Decoder.
const original = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{ records: unknown[] } & Record<string, unknown>>;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => { canReadBytes(n: number): boolean };

const b = (s: string) => Buffer.from(s, 'utf8');

async function batch(codec: 'none' | 'gzip', base: number, transactional: boolean): Promise<Buffer> {
  const builder = new BatchBuilder(1 << 20);
  builder.append(1_700_000_000_000 + base, b('k1'), 0, 2, b('v1'), 0, 2, NO_HEADERS);
  builder.append(1_700_000_000_005 + base, null, 0, 0, null, 0, 0, encodeHeaders([[b('h'), b('x')], [b('h'), b('y')], [b('n'), null], [b('é'), Buffer.from([0xff])]]));
  builder.append(1_699_999_999_999 + base, b(''), 0, 0, Buffer.alloc(400, 1), 0, 400, encodeHeaders([[b('one'), b('')]]));
  const id = { producerId: 4242n, producerEpoch: 3, baseSequence: 7, transactional };
  const sealed = codec === 'none' ? builder.sealPlain(id) : await builder.seal(id, codec, compressorFor(codec));
  sealed.writeBigInt64BE(BigInt(base), 0); // as the broker assigns it (outside the CRC)
  return sealed;
}

/** Decodes a record set as kafkajs's decodeMessages does: batch after batch until a partial one. */
async function decodeAll(decode: (d: never) => Promise<{ records: unknown[] }>, set: Buffer): Promise<{ records: unknown[]; partial: boolean }> {
  const decoder = new Decoder(set);
  const records: unknown[] = [];
  while (decoder.canReadBytes(49)) {
    try {
      records.push(...(await decode(decoder as never)).records);
    } catch (e) {
      if ((e as Error).name === 'KafkaJSPartialMessageError') return { records, partial: true };
      throw e;
    }
  }
  return { records, partial: false };
}

describe("the record batch decoder that replaces kafkajs's", () => {
  it('gives the same messages as kafkajs: offsets, timestamps, nulls, repeated headers, gzip, a batch cut short', async () => {
    const set = Buffer.concat([await batch('none', 0, false), await batch('gzip', 3, true), (await batch('none', 6, false)).subarray(0, 80)]);
    const want = await decodeAll(original, set);
    const got = await decodeAll(decodeRecordBatch, set);
    expect(want.records).toHaveLength(6);
    expect(got).toEqual(want);
  });

  it('refuses a batch whose CRC does not match, where kafkajs would hand out its bytes', async () => {
    const bad = await batch('none', 0, false);
    bad[bad.length - 3] ^= 0xff;
    await expect(decodeAll(decodeRecordBatch, bad)).rejects.toThrow(/CRC mismatch/);
  });
});
