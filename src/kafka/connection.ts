// The one place a kafkajs client is built from kstream's connection settings: TLS, SASL, every
// deadline derived from --timeout, the guarded socket, and the logger.
import { loadKafkajs, type LogEntry, type SASLOptions } from './kafkajs.js';
import { wrapClient, type KafkaClient } from './client.js';
import type { Io } from '../context.js';
import { ConnectionError } from '../errors.js';
import { fromKafkaError, markKafkaFailure } from './errors.js';
import { formatDuration } from '../util/duration.js';
import { guardedSocketFactory, silentPeer } from './socket.js';
import { redact } from '../config/secrets.js';

/** SASL settings: kstream's own, turned into kafkajs's options in `createKafka` only. */
export interface SaslSettings {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** TLS settings, as Node's tls.connect takes them (PEM text, not file names). */
export interface TlsSettings {
  rejectUnauthorized: boolean;
  ca?: string[];
  cert?: string;
  key?: string;
  servername?: string;
}

/** Everything needed to reach a cluster, resolved from flags and environment (src/config/connection.ts). */
export interface Connection {
  brokers: string[];
  clientId: string;
  timeoutMs: number;
  verbose: boolean;
  ssl?: TlsSettings;
  sasl?: SaslSettings;
}

/**
 * A client for `conn`. `onError` hears every error kafkajs logs, even without --verbose:
 * when a deadline cuts its retries short, the last one still says why (see `unreachable`).
 */
export async function createKafka(conn: Connection, io: Pick<Io, 'stderr'>, onError?: (err: Error) => void): Promise<KafkaClient> {
  const { Kafka, logLevel } = await loadKafkajs();
  let lastError: Error | undefined;
  const heard = onError && ((err: Error) => onError((lastError = err)));
  const kafka = new Kafka({
    clientId: conn.clientId,
    brokers: conn.brokers,
    ssl: conn.ssl,
    sasl: conn.sasl as SASLOptions | undefined,
    // Every wait kafkajs makes derives from --timeout: a TCP connect (capped, since it is retried),
    // SASL, each request (fetches and group joins ask for longer themselves), and the retries.
    connectionTimeout: Math.min(conn.timeoutMs, 5_000),
    authenticationTimeout: conn.timeoutMs,
    requestTimeout: conn.timeoutMs,
    retry: retryFor(conn.timeoutMs),
    socketFactory: guardedSocketFactory(conn.timeoutMs),
    logLevel: conn.verbose ? logLevel.INFO : onError ? logLevel.ERROR : logLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      // The broker's address travels along: one that is not a bootstrap server was advertised.
      if (entry.level <= logLevel.ERROR) heard?.(Object.assign(new Error(message), { broker: (extra as { broker?: unknown }).broker }));
      if (!conn.verbose) return;
      delete (extra as Record<string, unknown>).timestamp;
      // kafkajs does not log credentials today; redacting keeps it that way whatever it logs tomorrow.
      const line = `[kafkajs ${entry.namespace}] ${message} ${JSON.stringify(extra)}`;
      io.stderr.write(redact(line, [saslPassword(conn)]) + '\n');
    },
  });
  return wrapClient(conn, kafka, () => lastError);
}

function saslPassword(conn: Connection): string | undefined {
  return conn.sasl?.password;
}

/** Rejects with `onTimeout()` if `promise` has not settled within `ms`. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * kafkajs's retry settings for failures to last about `timeoutMs` in all: backoff from 100 ms
 * doubling to at most 2 s (kafkajs varies each wait by ±20%), as many retries as fit.
 */
export function retryFor(timeoutMs: number): { initialRetryTime: number; maxRetryTime: number; retries: number } {
  const initialRetryTime = 100;
  const maxRetryTime = Math.min(2_000, Math.max(initialRetryTime, Math.floor(timeoutMs / 4)));
  let retries = 0;
  for (let wait = initialRetryTime, total = wait; total <= timeoutMs; wait = Math.min(wait * 2, maxRetryTime), total += wait) retries++;
  return { initialRetryTime, maxRetryTime, retries: Math.max(retries, 1) };
}

/** The error for a broker that did not answer in time; a TLS, SASL or protocol failure seen meanwhile says more. */
export function unreachable(conn: Connection, lastError?: Error): ConnectionError {
  return markKafkaFailure(unreachableError(conn, lastError));
}

function unreachableError(conn: Connection, lastError?: Error): ConnectionError {
  const known = lastError && fromKafkaError(lastError, conn.brokers);
  if (known instanceof ConnectionError && !known.message.startsWith('cannot connect')) return known;
  const within = formatDuration(conn.timeoutMs);
  const silent = silentPeer(conn.brokers);
  if (silent) {
    return new ConnectionError(`${silent} accepted the connection but did not answer as a Kafka broker within ${within}`, {
      hint: 'is this the address of a Kafka listener? a busy broker may need a longer --timeout',
    });
  }
  return new ConnectionError(
    `no answer from the Kafka broker at ${conn.brokers.join(',')} within ${within}`,
    { hint: 'start one with `kstream local start`, or point --bootstrap-server at a running broker' },
  );
}
