// How connection-time failures of SASL and TLS read; the real ones are in test/integration/security.test.ts.
import { describe, expect, it } from 'vitest';
import { fromKafkaError } from '../../src/kafka/errors.js';
import { resolveConnection } from '../../src/config/connection.js';
import { unreachable } from '../../src/kafka/connection.js';

function kafkaJsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

const wrapped = (inner: Error) => Object.assign(new Error('retries exhausted'), { name: 'KafkaJSNonRetriableError', originalError: inner });

describe('fromKafkaError for security failures', () => {
  it.each([
    ['a SASL rejection', kafkaJsError('KafkaJSSASLAuthenticationError', 'SASL PLAIN authentication failed: Invalid username or password'), /^authentication failed at b:1: SASL PLAIN/],
    ['an unsupported mechanism', kafkaJsError('KafkaJSProtocolError', 'The broker does not support the requested SASL mechanism', { type: 'UNSUPPORTED_SASL_MECHANISM' }), /^authentication failed at b:1/],
    ['a self-signed chain', kafkaJsError('KafkaJSConnectionError', 'Connection error: self-signed certificate in certificate chain', { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), /^certificate not trusted at b:1: self-signed certificate in certificate chain$/],
    ['an unknown issuer', kafkaJsError('KafkaJSConnectionError', 'Connection error: unable to verify the first certificate', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), /^certificate not trusted at b:1/],
    ['a name mismatch', kafkaJsError('KafkaJSConnectionError', "Connection error: Hostname/IP does not match certificate's altnames", { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), /^certificate does not match the broker address at b:1/],
    ['a refused client certificate', kafkaJsError('KafkaJSConnectionError', 'Connection error: 80E:error:0A000416:SSL routines:ssl3_read_bytes:sslv3 alert certificate unknown:rec_layer_s3.c:1601:SSL alert number 46'), /^the broker did not accept the client certificate at b:1: TLS alert "certificate unknown"$/],
    ['TLS to a plaintext port', kafkaJsError('KafkaJSConnectionError', 'Connection error: Client network socket disconnected before secure TLS connection was established', { code: 'ECONNRESET' }), /^TLS handshake failed at b:1/],
    ['plaintext to a TLS or SASL port', kafkaJsError('KafkaJSConnectionClosedError', 'Closed connection'), /^the broker at b:1 closed the connection$/],
  ])('%s -> exit 3, one line that says which', (_case, inner, message) => {
    for (const err of [inner, wrapped(inner)]) {
      const e = fromKafkaError(err, ['b:1']);
      expect(e.exitCode).toBe(3);
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('\n');
      expect(e.hint).toBeTruthy();
    }
  });

  it('still reports a refused connection as such', () =>
    expect(fromKafkaError(kafkaJsError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), ['b:1']).message).toBe('cannot connect to the Kafka broker at b:1'));
});

describe('unreachable', () => {
  const conn = { ...resolveConnection({ bootstrapServer: 'b:1', timeout: '2s' }, {}) };
  it.each([
    [undefined, /^no answer from the Kafka broker at b:1 within 2s$/],
    [new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1'), /^no answer from the Kafka broker/],
    [new Error('Failed to connect to seed broker, trying another broker from the list: Connection error: self-signed certificate in certificate chain'), /^certificate not trusted at b:1: self-signed certificate in certificate chain$/],
    [new Error('Connection closed by the server'), /^the broker at b:1 closed the connection$/],
  ])('after %s says %s', (last, message) => expect(unreachable(conn, last).message).toMatch(message));
});
