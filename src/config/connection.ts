// kstream's connection flags and how they resolve, with the environment and a profile, into the
// Kafka layer's Connection (src/kafka/connection.ts).
import type { Options } from 'yargs';
import { UsageError } from '../errors.js';
import type { Connection } from '../kafka/connection.js';
import { parseDuration } from '../util/duration.js';
import { SASL_MECHANISMS, type Profile } from './schema.js';
import { resolveSasl, resolveTls, type SecurityArgs } from './security.js';

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
