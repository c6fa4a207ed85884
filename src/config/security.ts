import { readFileSync } from 'node:fs';
import type { SaslSettings, TlsSettings } from '../kafka/connection.js';
import { UsageError } from '../errors.js';
import { resolvePassword } from './secrets.js';
import { SASL_MECHANISMS, type Profile, type SaslMechanism } from './schema.js';

/** The security flags, as yargs parses them (camel-cased). */
export interface SecurityArgs {
  saslMechanism?: string;
  saslUsername?: string;
  saslPassword?: string;
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServerName?: string;
  insecureSkipVerify?: boolean;
}

/** SASL settings from flags over the profile; undefined when no mechanism is configured anywhere. */
export function resolveSasl(args: SecurityArgs, env: NodeJS.ProcessEnv, profile: Profile | undefined): SaslSettings | undefined {
  const mechanism = (args.saslMechanism ?? profile?.sasl?.mechanism)?.toLowerCase();
  if (mechanism === undefined) {
    if (args.saslUsername !== undefined || args.saslPassword !== undefined) {
      throw new UsageError('--sasl-username and --sasl-password need --sasl-mechanism', { hint: `pass --sasl-mechanism ${SASL_MECHANISMS.join('|')}` });
    }
    return undefined;
  }
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new UsageError(`unknown SASL mechanism '${mechanism}'`, { hint: `use one of ${SASL_MECHANISMS.join(', ')}` });
  }
  const username = args.saslUsername ?? profile?.sasl?.username;
  if (!username) throw new UsageError(`SASL ${mechanism} needs a user name`, { hint: 'pass --sasl-username, or set sasl.username in the profile' });
  // A user name given on the command line means the profile's password belongs to someone else.
  const fromProfile = args.saslUsername === undefined || args.saslUsername === profile?.sasl?.username ? profile?.sasl : undefined;
  const password = resolvePassword(args.saslPassword, env, fromProfile);
  if (password === undefined) {
    throw new UsageError(`SASL ${mechanism} for user '${username}' needs a password`, {
      hint: 'set KSTREAM_SASL_PASSWORD, pass --sasl-password, or give sasl.passwordEnv or sasl.passwordFile in the profile',
    });
  }
  return { mechanism: mechanism as SaslMechanism, username, password };
}

/** TLS settings from flags over the profile; undefined when TLS is off. */
export function resolveTls(args: SecurityArgs, profile: Profile | undefined): TlsSettings | undefined {
  const p = profile?.tls;
  const anyFlag = [args.tlsCa, args.tlsCert, args.tlsKey, args.tlsServerName].some((v) => v !== undefined) || args.insecureSkipVerify;
  const enabled = args.tls ?? (anyFlag || p !== undefined);
  if (!enabled) return undefined;
  const ca = args.tlsCa ?? p?.ca;
  const cert = args.tlsCert ?? p?.cert;
  const key = args.tlsKey ?? p?.key;
  if (Boolean(cert) !== Boolean(key)) throw new UsageError('--tls-cert and --tls-key go together', { hint: 'mutual TLS needs both the client certificate and its key' });
  const options: TlsSettings = { rejectUnauthorized: !(args.insecureSkipVerify ?? p?.insecureSkipVerify ?? false) };
  if (ca) options.ca = [readPem(ca, 'CA certificate (--tls-ca)')];
  if (cert) options.cert = readPem(cert, 'client certificate (--tls-cert)');
  if (key) options.key = readPem(key, 'client key (--tls-key)');
  const serverName = args.tlsServerName ?? p?.serverName;
  if (serverName) options.servername = serverName;
  return options;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}
