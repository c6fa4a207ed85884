import { describe, expect, it } from 'vitest';
import { Reader, WireError, Writer } from '../../src/kafka/protocol/wire.js';

describe('Kafka wire types', () => {
  it('round-trips classic and compact types', () => {
    const w = new Writer()
      .int8(-3).int16(-2).int32(123456789).int64(-5n)
      .string('héllo').string(null)
      .compactString('abc').compactString(null).compactString('')
      .compactBytes(Buffer.from([0, 255])).compactBytes(null)
      .array([1, 2], (x, n) => x.int32(n))
      .compactArray(['x', 'y'], (x, s) => x.compactString(s))
      .compactArray(null, () => undefined)
      .uvarint(300).uvarint(2 ** 31).tags();
    const r = new Reader(w.toBuffer());
    expect([r.int8(), r.int16(), r.int32(), r.int64()]).toEqual([-3, -2, 123456789, -5n]);
    expect([r.string(), r.string()]).toEqual(['héllo', null]);
    expect([r.compactString(), r.compactString(), r.compactString()]).toEqual(['abc', null, '']);
    expect([...(r.compactBytes() ?? [])]).toEqual([0, 255]);
    expect(r.compactBytes()).toBeNull();
    expect(r.array((x) => x.int32())).toEqual([1, 2]);
    expect(r.compactArray((x) => x.compactString())).toEqual(['x', 'y']);
    expect(r.compactArray(() => 1)).toEqual([]);
    expect([r.uvarint(), r.uvarint()]).toEqual([300, 2 ** 31]);
    r.tags();
    expect(r.remaining).toBe(0);
  });

  it('writes compact lengths as Kafka does: length + 1 in an unsigned varint', () => {
    expect([...new Writer().compactString('a').toBuffer()]).toEqual([2, 0x61]);
    expect([...new Writer().uvarint(128).toBuffer()]).toEqual([0x80, 0x01]);
  });

  it('skips tagged fields it does not know', () => {
    const body = new Writer().uvarint(2).uvarint(0).uvarint(2).raw(Buffer.from([9, 9])).uvarint(5).uvarint(0).int32(7).toBuffer();
    const r = new Reader(body);
    r.tags();
    expect(r.int32()).toBe(7);
  });

  it('a short response is a WireError, not garbage', () => {
    const r = new Reader(Buffer.from([0, 0, 0]));
    expect(() => r.int32()).toThrow(WireError);
    expect(() => new Reader(Buffer.from([5, 0x61])).compactString()).toThrow(/ends early/);
  });
});
