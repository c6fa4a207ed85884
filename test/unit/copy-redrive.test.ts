import { describe, expect, it } from 'vitest';
import { redriveMessage } from '../../src/commands/copy/redrive.js';
import { copiedMessage } from '../../src/commands/copy/copy.js';
import { parseBound } from '../../src/commands/copy/window.js';
import type { PipeRecord } from '../../src/commands/pipeline/record.js';

const b = (s: string) => Buffer.from(s);
const deadLetter = (extra: Record<string, Buffer> = {}): PipeRecord => ({
  key: b('k'), value: b('v'),
  headers: { trace: b('t1'), 'kstream-error': b('boom'), 'kstream-source-topic': b('orders'), 'kstream-source-partition': b('2'), 'kstream-source-offset': b('41'), 'kstream-source-timestamp': b('1700000000000'), ...extra },
  origin: { topic: 'orders-dlq', partition: 0, offset: '7', timestamp: '1800000000000' },
});

describe('re-drive routing', () => {
  it('sends a dead letter to its source topic and partition with its own time, without kstream headers', () => {
    const { topic, message } = redriveMessage(deadLetter(), { keepErrorHeaders: false, repartition: false });
    expect(topic).toBe('orders');
    expect(message).toMatchObject({ key: b('k'), value: b('v'), partition: 2, timestamp: '1700000000000', headers: { trace: b('t1') } });
    expect(Object.keys(message.headers!)).toEqual(['trace']);
  });

  it('keeps every header when asked, and lets --to and --repartition override the destination', () => {
    const { topic, message } = redriveMessage(deadLetter(), { to: 'retry', keepErrorHeaders: true, repartition: true });
    expect(topic).toBe('retry');
    expect(message.partition).toBeUndefined();
    expect(Object.keys(message.headers!)).toContain('kstream-error');
  });

  it('stops at a dead letter that does not say where it came from', () => {
    const r: PipeRecord = { key: null, value: b('x'), headers: {}, origin: { topic: 'd', partition: 1, offset: '3', timestamp: '1' } };
    expect(() => redriveMessage(r, { keepErrorHeaders: false, repartition: false })).toThrow(/at d partition 1 offset 3\) has no kstream-source-topic header/);
  });
});

describe('copied messages', () => {
  it('keep the source partition and timestamp unless repartitioned; a --map partition wins', () => {
    const r: PipeRecord = { key: b('k'), value: b('v'), headers: { h: b('1') }, origin: { topic: 's', partition: 4, offset: '9', timestamp: '123' } };
    expect(copiedMessage(r, true)).toMatchObject({ partition: 4, timestamp: '123', headers: { h: b('1') } });
    expect(copiedMessage(r, false).partition).toBeUndefined();
    expect(copiedMessage({ ...r, partition: 1 }, true).partition).toBe(1);
  });
});

describe('copy windows', () => {
  it.each([
    ['beginning', { kind: 'earliest' }], ['end', { kind: 'latest' }], ['42', { kind: 'absolute', offset: 42 }], ['@1700000000000', { kind: 'time', time: 1700000000000 }],
  ])('%s', (text, spec) => expect(parseBound(text, '--from')).toEqual(spec));

  it('names the flag in errors', () => {
    expect(() => parseBound('soon', '--until')).toThrow("--until 'soon' is not an offset or a time");
    expect(() => parseBound('-5', '--from')).toThrow(/a copy takes no "last N records"/);
  });
});
