// One error mapping: Kafka's error code found wherever kafkajs put it, and kept on the KstreamError.
import { describe, expect, it } from 'vitest';
import { ExitCode, KstreamError } from '../../src/errors.js';
import { fromKafkaError, isFenced, isKafkaFailure, isRetriable, kafkaCode, KafkaRequestError } from '../../src/kafka/errors.js';
import { unreachable } from '../../src/kafka/connection.js';
import { toOffset, tpKey } from '../../src/kafka/types.js';

const protocol = (type: string, message: string, retriable = false) => Object.assign(new Error(message), { name: 'KafkaJSProtocolError', type, retriable });

describe('Kafka error codes', () => {
  it.each([
    ['on the error', protocol('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition')],
    ['under retry wrappers', Object.assign(new Error('retries'), { name: 'KafkaJSNumberOfRetriesExceeded', originalError: protocol('UNKNOWN_TOPIC_OR_PARTITION', 'x') })],
    ['first of a createTopics batch', Object.assign(new Error('Topic creation errors'), { name: 'KafkaJSAggregateError', errors: [protocol('UNKNOWN_TOPIC_OR_PARTITION', 'x')] })],
    ['in a deleteGroups result', Object.assign(new Error('Error in DeleteGroups'), { name: 'KafkaJSDeleteGroupsError', groups: [{ groupId: 'g', error: protocol('UNKNOWN_TOPIC_OR_PARTITION', 'x') }] })],
  ])('found %s', (_, err) => {
    expect(kafkaCode(err)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const mapped = fromKafkaError(err);
    expect(mapped).toBeInstanceOf(KafkaRequestError);
    expect(mapped).toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION', exitCode: ExitCode.KAFKA });
    expect(kafkaCode(mapped)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('is undefined for what is not a Kafka refusal', () => {
    expect(kafkaCode(new TypeError('x'))).toBeUndefined();
    expect(kafkaCode(undefined)).toBeUndefined();
  });

  it('reads retriable through the wrappers', () => {
    expect(isRetriable({ originalError: protocol('LEADER_NOT_AVAILABLE', 'x', true) })).toBe(true);
    expect(isRetriable(protocol('INVALID_CONFIG', 'x'))).toBe(false);
  });
});

describe('isKafkaFailure', () => {
  const conn = { brokers: ['127.0.0.1:1'], clientId: 'test', timeoutMs: 1000, verbose: false };

  it('is true for the client\'s errors and for what the layer made of them', () => {
    const lost = Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' });
    expect(isKafkaFailure(lost)).toBe(true);
    expect(isKafkaFailure(fromKafkaError(lost, conn.brokers))).toBe(true);
    expect(isKafkaFailure(fromKafkaError(protocol('NOT_COORDINATOR', 'x', true)))).toBe(true);
    expect(isKafkaFailure(unreachable(conn))).toBe(true);
  });

  it('is false for kstream\'s own errors, even one wrapping a client error, and for defects', () => {
    const refused = protocol('MESSAGE_TOO_LARGE', 'too large');
    expect(isKafkaFailure(new KstreamError('stage s: the broker refused the output', { cause: refused }))).toBe(false);
    expect(isKafkaFailure(new TypeError('x'))).toBe(false);
    expect(isKafkaFailure(fromKafkaError(new TypeError('x')))).toBe(false);
    expect(isKafkaFailure(undefined)).toBe(false);
  });

  it('sees a fenced producer through the layer\'s mapping', () => {
    const fenced = protocol('PRODUCER_FENCED', 'fenced');
    expect(isFenced(fromKafkaError(fenced))).toBe(true);
    expect(isFenced(fromKafkaError(protocol('NOT_COORDINATOR', 'x', true)))).toBe(false);
  });
});

describe('offsets and topic-partition keys', () => {
  it('converts the client strings exactly, refusing past 2^53', () => {
    expect(toOffset('42')).toBe(42);
    expect(toOffset(9007199254740991n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toOffset('9007199254740993')).toThrow(/beyond what kstream can represent/);
    expect(tpKey('orders', 3)).toBe('orders:3');
  });
});
