import { loadKafkajs, type Admin, type KafkaClient, type KafkaConfig, type LogEntry } from './kafkajs.js';
import type { Options } from 'yargs';
import type { Io } from './context.js';
import { ConnectionError, UsageError } from './errors.js';
import { fromKafkaError } from './kafka-errors.js';
import { formatDuration, parseDuration } from './util/duration.js';
import { guardedSocketFactory, silentPeer } from './kafka-socket.js';
import { SASL_MECHANISMS, type Profile } from './config/schema.js';
import { redact } from './config/secrets.js';
import { resolveSasl, resolveTls, type SecurityArgs } from './config/security.js';

export const DEFAULT_BROKERS = 'localhost:9092';
const GROUP = 'Connection (every command; or set them in a profile):';
const DEFAULT_TIMEOUT_MS = 10_000;

/** Global flags every command accepts; declared once here, registered in cli.ts. */
export const connectionOptions = {
  'bootstrap-server': {
    alias: ['b', 'brokers'],
    type: 'string',
    describe: `Broker list HOST:PORT[,HOST:PORT] (env KSTREAM_BROKERS, default ${DEFAULT_BROKERS})`,
    requiresArg: true,
    group: GROUP,
  },
  // No yargs defaults on settings a profile may set: a default would hide the profile's value.
  profile: { type: 'string', describe: 'Use this profile of the config file (env KSTREAM_PROFILE)', requiresArg: true, group: GROUP },
  'client-id': { type: 'string', describe: 'Client id sent to the broker (default: kstream)', requiresArg: true, group: GROUP },
  timeout: {
    type: 'string',
    describe: 'How long to wait for the broker to answer, and to retry failures: 500ms, 10s, 2m',
    default: '10s',
    requiresArg: true,
    group: GROUP,
  },
  verbose: { alias: 'v', type: 'boolean', describe: 'Show client logs and error details', default: false },
  'sasl-mechanism': { type: 'string', choices: SASL_MECHANISMS, describe: 'SASL mechanism', requiresArg: true, group: GROUP },
  'sasl-username': { type: 'string', describe: 'SASL user name', requiresArg: true, group: GROUP },
  'sasl-password': { type: 'string', describe: 'SASL password (prefer env KSTREAM_SASL_PASSWORD: flags show in `ps`)', requiresArg: true, group: GROUP },
  tls: { type: 'boolean', describe: 'Connect with TLS (implied by the other --tls-* flags)', group: GROUP },
  'tls-ca': { type: 'string', describe: 'PEM file of the CA that signed the broker certificates', requiresArg: true, group: GROUP },
  'tls-cert': { type: 'string', describe: 'PEM client certificate, for mutual TLS', requiresArg: true, group: GROUP },
  'tls-key': { type: 'string', describe: 'PEM key of the client certificate', requiresArg: true, group: GROUP },
  'tls-server-name': { type: 'string', describe: 'Name expected in the broker certificate (default: the host)', requiresArg: true, group: GROUP },
  'insecure-skip-verify': { type: 'boolean', describe: 'Do not check the broker certificate (unsafe; for tests only)', group: GROUP },
} satisfies Record<string, Options>;

export interface ConnectionArgs extends SecurityArgs {
  bootstrapServer?: string;
  clientId?: string;
  timeout?: string;
  verbose?: boolean;
  profile?: string;
}

/** Everything needed to reach a cluster, resolved from flags and environment. */
export interface Connection {
  brokers: string[];
  clientId: string;
  timeoutMs: number;
  verbose: boolean;
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
}

/**
 * Every setting has one precedence: flag > environment > profile > default.
 * Brokers: --bootstrap-server > KSTREAM_BROKERS > profile `brokers` > localhost:9092.
 * SASL password: --sasl-password > KSTREAM_SASL_PASSWORD > profile password, passwordEnv or passwordFile.
 * Other settings: flag > profile > default. The profile itself is picked by --profile > KSTREAM_PROFILE >
 * the config file's `current:` (src/config/profile.ts), and is passed in here already read.
 */
export function resolveConnection(args: ConnectionArgs, env: NodeJS.ProcessEnv, profile?: Profile): Connection {
  const list = args.bootstrapServer ?? env.KSTREAM_BROKERS ?? profile?.brokers?.join(',') ?? DEFAULT_BROKERS;
  return {
    brokers: parseBrokers(list),
    clientId: args.clientId ?? profile?.clientId ?? 'kstream',
    timeoutMs: parseTimeout(args.timeout ?? DEFAULT_TIMEOUT_MS),
    verbose: Boolean(args.verbose),
    sasl: resolveSasl(args, env, profile),
    ssl: resolveTls(args, profile),
  };
}

/** --timeout: more than zero (every wait and retry is bounded by it), and short enough for Node's timers. */
export function parseTimeout(value: string | number): number {
  const ms = parseDuration(value, '--timeout');
  if (ms <= 0) throw new UsageError(`--timeout must be more than 0 (got '${value}')`, { hint: 'e.g. --timeout 30s; every wait and retry ends after it' });
  return ms;
}

export function parseBrokers(list: string): string[] {
  const brokers = list.split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new UsageError('no broker address given', { hint: 'pass --bootstrap-server HOST:PORT' });
  for (const broker of brokers) {
    if (!/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/.test(broker)) {
      throw new UsageError(`'${broker}' is not a broker address`, { hint: 'use HOST:PORT, e.g. localhost:9092' });
    }
  }
  return brokers;
}

/**
 * A kafkajs client for `conn`. `onError` hears every error kafkajs logs, even without --verbose:
 * when a deadline cuts its retries short, the last one still says why (see `unreachable`).
 */
export async function createKafka(conn: Connection, io: Pick<Io, 'stderr'>, onError?: (err: Error) => void): Promise<KafkaClient> {
  const { Kafka, logLevel } = await loadKafkajs();
  return new Kafka({
    clientId: conn.clientId,
    brokers: conn.brokers,
    ssl: conn.ssl,
    sasl: conn.sasl,
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
      if (entry.level <= logLevel.ERROR) onError?.(Object.assign(new Error(message), { broker: (extra as { broker?: unknown }).broker }));
      if (!conn.verbose) return;
      delete (extra as Record<string, unknown>).timestamp;
      // kafkajs does not log credentials today; redacting keeps it that way whatever it logs tomorrow.
      const line = `[kafkajs ${entry.namespace}] ${message} ${JSON.stringify(extra)}`;
      io.stderr.write(redact(line, [saslPassword(conn)]) + '\n');
    },
  });
}

function saslPassword(conn: Connection): string | undefined {
  return (conn.sasl as { password?: string } | undefined)?.password;
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

/** Connects an admin client within the connection deadline, runs `fn`, and always disconnects. */
export async function withAdmin<T>(conn: Connection, io: Pick<Io, 'stderr'>, fn: (admin: Admin) => Promise<T>): Promise<T> {
  let lastError: Error | undefined;
  const admin = (await createKafka(conn, io, (err) => (lastError = err))).admin();
  try {
    await withDeadline(admin.connect(), conn.timeoutMs, () => unreachable(conn, lastError));
    return await fn(admin);
  } catch (err) {
    throw fromKafkaError(err, conn.brokers);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
