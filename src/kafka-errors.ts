import { ConnectionError, KstreamError, ExitCode } from './errors.js';

/** The fields kafkajs puts on its errors; all optional because any of them may be absent. */
interface KafkaJsErrorShape extends Error {
  type?: string;
  code?: string | number;
  retriable?: boolean;
  originalError?: unknown;
  errors?: unknown[];
  broker?: string;
  topic?: string;
}

const START_HINT = 'start one with `kstream local start`, or point --bootstrap-server at a running broker';

/** The innermost error kafkajs wrapped (retries, non-retriable wrappers, `cause`). */
export function rootCause(err: unknown): unknown {
  let current = err as KafkaJsErrorShape | undefined;
  for (let depth = 0; depth < 10 && current; depth++) {
    const next = current.originalError ?? (current as { cause?: unknown }).cause;
    if (!next || next === current) break;
    current = next as KafkaJsErrorShape;
  }
  return current;
}

function isConnectionFailure(e: KafkaJsErrorShape): boolean {
  const names = ['KafkaJSConnectionError', 'KafkaJSBrokerNotFound', 'KafkaJSConnectionClosedError'];
  const codes = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'];
  return names.includes(e.name) || codes.includes(String(e.code)) || /ECONNREFUSED|ENOTFOUND|Connection timeout/.test(e.message);
}

function isAuthFailure(e: KafkaJsErrorShape): boolean {
  return e.name === 'KafkaJSSASLAuthenticationError' || e.type === 'SASL_AUTHENTICATION_FAILED';
}

function isTlsFailure(e: KafkaJsErrorShape): boolean {
  return /certificate|self[- ]signed|SSL|TLS|altnames|wrong version number/i.test(e.message) ||
    /^ERR_TLS|CERT|SELF_SIGNED/.test(String(e.code));
}

/**
 * Turns whatever a kafkajs call threw into a KstreamError with a one-line message.
 * `brokers` names the addresses in connection messages.
 */
export function fromKafkaError(err: unknown, brokers: string[] = []): KstreamError {
  if (err instanceof KstreamError) return err;
  const root = rootCause(err) as KafkaJsErrorShape;
  const outer = err as KafkaJsErrorShape;
  const where = brokers.length ? ` at ${brokers.join(',')}` : '';
  if (!root || typeof root !== 'object') return new KstreamError(String(err), { cause: err });
  if (isAuthFailure(root)) {
    return new ConnectionError(`authentication failed${where}: ${cleanMessage(root.message)}`, {
      hint: 'check the SASL mechanism, user name and password', cause: err,
    });
  }
  if (isTlsFailure(root)) {
    return new ConnectionError(`TLS handshake failed${where}: ${cleanMessage(root.message)}`, {
      hint: 'check --tls-ca (certificate not trusted?) and the server name', cause: err,
    });
  }
  if (isConnectionFailure(root) || isConnectionFailure(outer)) {
    return new ConnectionError(`cannot connect to the Kafka broker${where}`, { hint: START_HINT, cause: err });
  }
  if (root.type) {
    return new KstreamError(`Kafka refused the request: ${protocolMessage(root)}`, { exitCode: ExitCode.KAFKA, cause: err });
  }
  return new KstreamError(cleanMessage(root.message || outer.message), { exitCode: ExitCode.KAFKA, cause: err });
}

/** `UNKNOWN_TOPIC_OR_PARTITION` → "unknown topic or partition (UNKNOWN_TOPIC_OR_PARTITION)". */
export function protocolMessage(e: { type?: string; message: string }): string {
  const text = cleanMessage(e.message);
  return e.type ? `${text} (${e.type})` : text;
}

function cleanMessage(message: string): string {
  return message.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}
