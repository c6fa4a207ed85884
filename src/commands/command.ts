import type { CommandModule } from 'yargs';
import type { Context } from '../context.js';
import { resolveConnection, type Connection, type ConnectionArgs } from '../connection.js';
import { profileFor } from '../config/profile.js';

/** A yargs command module built for one run, so handlers reach stdio through the context. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandFactory = (ctx: Context) => CommandModule<any, any>;

/** The broker connection the global flags, environment and profile describe (precedence in resolveConnection). */
export function connectionFrom(ctx: Context, argv: object): Connection {
  const args = argv as ConnectionArgs;
  const selected = profileFor(ctx, args.profile);
  const conn = resolveConnection(args, ctx.io.env, selected?.profile);
  if (conn.ssl && typeof conn.ssl === 'object' && conn.ssl.rejectUnauthorized === false) {
    ctx.warn(ctx.color.bold('TLS certificate checks are OFF (insecure-skip-verify): anyone on the network path can read and change this traffic'));
  }
  if ((conn.sasl as { mechanism?: string } | undefined)?.mechanism === 'plain' && !conn.ssl && !conn.brokers.every(isLoopback)) {
    ctx.warn('SASL PLAIN without TLS sends the password in clear text over the network; add --tls (or tls: in the profile)');
  }
  return conn;
}

const isLoopback = (broker: string) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]):\d+$/.test(broker);
