import { describe, expect, it } from 'vitest';
import { BatchBuilder } from '../../src/kafka/codec/encode.js';
import { BatchReader, RecordCursor } from '../../src/kafka/codec/decode-batch.js';
import { toWire } from '../../src/commands/pipeline/expr-threads.js';
import { wireRecord } from '../../src/commands/pipeline/expr-worker.js';
import type { PipeRecord } from '../../src/commands/pipeline/record.js';
import { headerBlock } from '../../src/commands/pipeline/writer.js';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('the wire batch of an expression thread', () => {
  it('gives back each record: null and empty keys and values, binary bytes, repeated headers, origin', () => {
    const long = Buffer.alloc(300, 7);
    const records: PipeRecord[] = [
      { key: null, value: b('v1'), headers: {}, origin: { topic: 'in', partition: 2, offset: '9007199254740000', timestamp: '1700000000000' } },
      { key: b(''), value: null, headers: { h: b('x'), many: [b('a'), b('')] }, origin: { topic: 'other', partition: 0, offset: '5', timestamp: '1' } },
      { key: Buffer.from([0xff, 0x00]), value: long, headers: {} },
    ];
    const { wire } = toWire(records);
    const headers = new Map(wire.headers);
    const back = records.map((_, i) => wireRecord(wire, i, headers.get(i)));
    const plain = (u: Uint8Array | null) => (u === null ? null : Buffer.from(u));
    expect(back.map((r) => [plain(r.key), plain(r.value), r.topic, r.partition, r.offset, r.timestamp])).toEqual([
      [null, b('v1'), 'in', 2, '9007199254740000', '1700000000000'],
      [b(''), null, 'other', 0, '5', '1'],
      [Buffer.from([0xff, 0x00]), long, undefined, undefined, undefined, undefined],
    ]);
    expect(plain(back[1]!.headers.h as Uint8Array)).toEqual(b('x'));
    expect((back[1]!.headers.many as Uint8Array[]).map(plain)).toEqual([b('a'), b('')]);
    expect(back[0]!.headers).toEqual({});
  });
});

describe('headerBlock', () => {
  it('encodes every value of a header, in order, as a record batch reads them back', () => {
    const builder = new BatchBuilder(1 << 20);
    builder.append(1, null, 0, 0, b('v'), 0, 1, headerBlock({ a: [b('1'), b('2')], 'kstream-error': 'why', n: b('') }));
    const batch = builder.sealPlain({ producerId: -1n, producerEpoch: -1, baseSequence: -1 });
    const h = new BatchReader(batch).next()!;
    const cursor = new RecordCursor();
    cursor.reset(h, h.records, 't');
    expect(cursor.next()).toBe(true);
    const seen: Array<[string, string]> = [];
    for (let ok = cursor.firstHeader(); ok; ok = cursor.nextHeader()) {
      seen.push([cursor.buf.toString('utf8', cursor.hKeyStart, cursor.hKeyEnd), cursor.buf.toString('utf8', cursor.hValueStart, cursor.hValueEnd)]);
    }
    expect(seen).toEqual([['a', '1'], ['a', '2'], ['kstream-error', 'why'], ['n', '']]);
  });
});
