// The cluster a copy writes to: --to-profile and the --to-* connection flags, or the source's own.
import type { Options } from 'yargs';
import type { Context } from '../../context.js';
import { resolveConnection, type ConnectionArgs } from '../../config/connection.js';
import { type Connection } from '../../kafka/connection.js';
import { profileFor } from '../../config/profile.js';
import { SASL_MECHANISMS } from '../../config/schema.js';

const GROUP = 'Target cluster (default: the source cluster):';

export const targetOptions = {
  'to-profile': { type: 'string', describe: 'Write to the cluster of this profile', requiresArg: true, group: GROUP },
  'to-bootstrap-server': { type: 'string', describe: 'Write to the cluster at HOST:PORT[,HOST:PORT] (over --to-profile)', requiresArg: true, group: GROUP },
  'to-sasl-mechanism': { type: 'string', choices: SASL_MECHANISMS, describe: 'SASL mechanism of the target', requiresArg: true, group: GROUP },
  'to-sasl-username': { type: 'string', describe: 'SASL user name on the target', requiresArg: true, group: GROUP },
  'to-sasl-password': { type: 'string', describe: 'SASL password on the target (prefer env KSTREAM_TO_SASL_PASSWORD)', requiresArg: true, group: GROUP },
  'to-tls': { type: 'boolean', describe: 'Connect to the target with TLS', group: GROUP },
  'to-tls-ca': { type: 'string', describe: 'PEM CA of the target brokers', requiresArg: true, group: GROUP },
  'to-tls-cert': { type: 'string', describe: 'PEM client certificate for the target', requiresArg: true, group: GROUP },
  'to-tls-key': { type: 'string', describe: 'PEM key of that certificate', requiresArg: true, group: GROUP },
} satisfies Record<string, Options>;

export interface TargetArgs {
  toProfile?: string;
  toBootstrapServer?: string;
  toSaslMechanism?: string;
  toSaslUsername?: string;
  toSaslPassword?: string;
  toTls?: boolean;
  toTlsCa?: string;
  toTlsCert?: string;
  toTlsKey?: string;
}

/** True when any --to-* connection flag names another cluster than the source's connection. */
export const namesTarget = (a: TargetArgs): boolean =>
  [a.toProfile, a.toBootstrapServer, a.toSaslMechanism, a.toSaslUsername, a.toSaslPassword, a.toTls, a.toTlsCa, a.toTlsCert, a.toTlsKey].some((v) => v !== undefined);

/**
 * The target's connection, with the same precedence as the source's (flag > environment > profile),
 * from its own flags, its own profile and KSTREAM_TO_SASL_PASSWORD; timeout and client id are shared.
 */
export function targetConnection(ctx: Context, args: TargetArgs & ConnectionArgs, source: Connection): Connection {
  const profile = args.toProfile ? profileFor(ctx, args.toProfile)?.profile : undefined;
  const env = { ...ctx.io.env, KSTREAM_BROKERS: undefined, KSTREAM_SASL_PASSWORD: ctx.io.env.KSTREAM_TO_SASL_PASSWORD };
  const conn = resolveConnection({
    bootstrapServer: args.toBootstrapServer,
    clientId: args.clientId,
    timeout: args.timeout,
    verbose: args.verbose,
    saslMechanism: args.toSaslMechanism,
    saslUsername: args.toSaslUsername,
    saslPassword: args.toSaslPassword,
    tls: args.toTls,
    tlsCa: args.toTlsCa,
    tlsCert: args.toTlsCert,
    tlsKey: args.toTlsKey,
  }, env, profile);
  return { ...conn, clientId: source.clientId, timeoutMs: source.timeoutMs };
}
