import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/util/duration.js';
import { parseInteger, parseKeyValues } from '../../src/util/kv.js';
import { validateTopicName } from '../../src/kafka/topic.js';
import { parseBrokers, resolveConnection } from '../../src/config/connection.js';

describe('parseDuration', () => {
  it.each([
    ['500', 500], ['500ms', 500], ['10s', 10_000], ['1.5s', 1500], ['2m', 120_000], ['1h', 3_600_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text, '--timeout')).toBe(ms));
  it.each(['', 'soon', '-1s', '10 parsecs'])('rejects %j', (text) =>
    expect(() => parseDuration(text, '--timeout')).toThrow(/--timeout must be a duration/));
});

describe('parseKeyValues', () => {
  it('splits at the first =', () =>
    expect(parseKeyValues(['a=1', 'b=x=y', 'c='], '--config')).toEqual([['a', '1'], ['b', 'x=y'], ['c', '']]));
  it('rejects a missing key or =', () => {
    expect(() => parseKeyValues(['novalue'], '--config')).toThrow("--config expects key=value (got 'novalue')");
    expect(() => parseKeyValues(['=x'], '--config')).toThrow(/key=value/);
  });
});

describe('parseInteger', () => {
  it('accepts whole numbers in range', () => expect(parseInteger('3', '--partitions', 1)).toBe(3));
  it.each(['0', '1.5', 'x', ''])('rejects %j', (v) => expect(() => parseInteger(v, '--partitions', 1)).toThrow(/--partitions must be a whole number/));
  it.each([
    ['2000000', 1, 1_000_000, "--batch-size must be at most 1000000 (got '2000000')"],
    ['0', 1, 1_000_000, "--batch-size must be a whole number (at least 1) (got '0')"],
    ['1.5', 1, 1_000_000, "--batch-size must be a whole number from 1 to 1000000 (got '1.5')"],
    ['99999999999999999999', 1, undefined, "--batch-size must be at most 9007199254740991 (got '99999999999999999999')"],
  ])('names the bound %s breaks', (v, min, max, message) => expect(() => parseInteger(v, '--batch-size', min, max)).toThrow(message));
});

describe('validateTopicName', () => {
  it.each(['orders', 'a.b_c-1', 'x'.repeat(249)])('accepts %s', (n) => expect(validateTopicName(n)).toBe(n));
  it.each(['', '.', '..', 'has space', 'x'.repeat(250), 'ünïcode'])('rejects %j', (n) =>
    expect(() => validateTopicName(n)).toThrow(/is not a valid topic name/));
});

describe('connection options', () => {
  it('takes flag over env over default', () => {
    expect(resolveConnection({ bootstrapServer: 'a:1' }, { KSTREAM_BROKERS: 'b:2' }).brokers).toEqual(['a:1']);
    expect(resolveConnection({}, { KSTREAM_BROKERS: 'b:2,c:3' }).brokers).toEqual(['b:2', 'c:3']);
    expect(resolveConnection({}, {}).brokers).toEqual(['localhost:9092']);
  });
  it('parses the timeout', () => expect(resolveConnection({ timeout: '3s' }, {}).timeoutMs).toBe(3000));
  it('accepts IPv6 and rejects addresses without a port', () => {
    expect(parseBrokers('[::1]:9092')).toEqual(['[::1]:9092']);
    expect(() => parseBrokers('localhost')).toThrow(/not a broker address/);
    expect(() => parseBrokers(' , ')).toThrow(/no broker address/);
  });
});
