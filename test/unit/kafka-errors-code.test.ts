// One error mapping: Kafka's error code found wherever kafkajs put it, and kept on the KstreamError.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { fromKafkaError, isRetriable, kafkaCode, KafkaRequestError } from '../../src/kafka/errors.js';
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

describe('offsets and topic-partition keys', () => {
  it('converts the client strings exactly, refusing past 2^53', () => {
    expect(toOffset('42')).toBe(42);
    expect(toOffset(9007199254740991n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toOffset('9007199254740993')).toThrow(/beyond what kstream can represent/);
    expect(tpKey('orders', 3)).toBe('orders:3');
  });
});
