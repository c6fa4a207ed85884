// Failures kstream cannot explain are internal errors (exit 70) with a "please report" line;
// an address that is not Kafka is a connection failure (exit 3) that says so.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli.js';
import { createContext } from '../../src/context.js';
import { ExitCode, KstreamError, UsageError } from '../../src/errors.js';
import { fromKafkaError } from '../../src/kafka/errors.js';
import { describeAnswer, NOT_KAFKA_CODE } from '../../src/kafka/socket.js';
import { parseTimeout } from '../../src/config/connection.js';
import { retryFor } from '../../src/kafka/connection.js';

const named = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });
const wrapped = (inner: unknown) => Object.assign(new Error('retries exhausted'), { name: 'KafkaJSNonRetriableError', originalError: inner });

function report(err: unknown, verbose = false): { code: number; stderr: string } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (d) => (text += d));
  const ctx = createContext({ stdin: new PassThrough(), stdout: new PassThrough(), stderr, env: { NO_COLOR: '1' }, signals: { on: () => undefined, off: () => undefined } });
  const code = reportError(ctx, err, verbose);
  return { code, stderr: text };
}

describe('internal errors', () => {
  it.each([
    ['a TypeError', new TypeError('x.y is not a function'), 'internal error: TypeError: x.y is not a function'],
    ['a thrown number', 1, 'internal error: a number was thrown instead of an Error: 1'],
    ['a thrown object', { odd: true }, 'internal error: an object was thrown instead of an Error: {"odd":true}'],
    ['a TypeError inside a kafkajs wrapper', wrapped(new TypeError('boom')), 'internal error: TypeError: boom'],
  ])('%s is exit 70 with a please-report hint, not a Kafka error', (_what, err, message) => {
    const e = fromKafkaError(err, ['b:1']);
    expect(e.exitCode).toBe(ExitCode.INTERNAL);
    expect(e.exitCode).toBe(70);
    expect(e.message).toBe(message);
    expect(e.hint).toMatch(/please report it/);
  });

  it('reportError prints one line and exits 70; --verbose adds the stack', () => {
    const quiet = report({ odd: true });
    expect(quiet.code).toBe(70);
    expect(quiet.stderr).toBe('error: internal error: an object was thrown instead of an Error: {"odd":true} (this is a bug in kstream: please report it with the command you ran and its output with --verbose)\n');
    const verbose = report(new RangeError('bad'), true);
    expect(verbose.code).toBe(70);
    expect(verbose.stderr).toMatch(/^error: internal error: RangeError: bad \(this is a bug/);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('keeps what Kafka and the network say as Kafka errors', () => {
    expect(fromKafkaError(named('KafkaJSError', 'something odd'), []).exitCode).toBe(2);
    expect(fromKafkaError(named('KafkaJSProtocolError', 'not the leader', { type: 'NOT_LEADER_OR_FOLLOWER' }), []).exitCode).toBe(2);
    expect(fromKafkaError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), []).exitCode).toBe(2);
  });

  it('returns a kstream error that kafkajs wrapped as it is', () => {
    const ours = new UsageError('line 3 is bad');
    expect(fromKafkaError(wrapped(ours), [])).toBe(ours);
    expect(report(new KstreamError('x')).code).toBe(2);
  });
});

describe('an address that is not Kafka', () => {
  it.each([
    ['an HTTP answer', Buffer.from('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'), 'it answered "HTTP/1.1 400 Bad Request"'],
    ['a TLS alert', Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28, 0x00]), 'it answered in TLS (pass --tls, or use its plaintext port)'],
    ['binary bytes', Buffer.from([0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06]), 'its first bytes were ff 00 01 02 03 04 05 06'],
  ])('describes %s', (_what, bytes, text) => expect(describeAnswer(bytes)).toBe(text));

  it('maps the guarded socket error, however kafkajs wraps it, to exit 3', () => {
    const socketError = Object.assign(new Error('127.0.0.1:8080 did not answer as a Kafka broker: it answered "HTTP/1.1 400 Bad Request"'), { code: NOT_KAFKA_CODE });
    const kafkaJs = named('KafkaJSConnectionError', `Connection error: ${socketError.message}`, { code: NOT_KAFKA_CODE });
    for (const err of [socketError, kafkaJs, wrapped(kafkaJs), new Error(kafkaJs.message)]) {
      const e = fromKafkaError(err, ['127.0.0.1:8080']);
      expect(e.exitCode).toBe(3);
      expect(e.message).toBe('127.0.0.1:8080 did not answer as a Kafka broker: it answered "HTTP/1.1 400 Bad Request"');
    }
  });
});

describe('--timeout', () => {
  it.each([['0'], ['0s'], ['0ms']])('refuses %s', (v) => expect(() => parseTimeout(v)).toThrow(`--timeout must be more than 0 (got '${v}')`));
  it.each([['600h'], ['2147483648']])('refuses %s, longer than a Node timer can wait', (v) => expect(() => parseTimeout(v)).toThrow(/is too long: at most 2147483647 ms/));
  it('accepts the longest timer', () => expect(parseTimeout('2147483647')).toBe(2 ** 31 - 1));

  it.each([[2_000], [10_000], [60_000], [600_000]])('retries for about %d ms in all', (ms) => {
    const { initialRetryTime, maxRetryTime, retries } = retryFor(ms);
    let total = 0;
    for (let i = 0, wait = initialRetryTime; i < retries; i++, wait = Math.min(wait * 2, maxRetryTime)) total += wait;
    expect(total).toBeLessThanOrEqual(ms);
    expect(total + maxRetryTime).toBeGreaterThan(ms);
  });
});
