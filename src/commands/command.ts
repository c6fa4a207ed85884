import type { CommandModule } from 'yargs';
import type { Context } from '../context.js';
import { resolveConnection, type Connection, type ConnectionArgs } from '../connection.js';

/** A yargs command module built for one run, so handlers reach stdio through the context. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandFactory = (ctx: Context) => CommandModule<any, any>;

/** The broker connection the global flags and environment describe. */
export function connectionFrom(ctx: Context, argv: object): Connection {
  return resolveConnection(argv as ConnectionArgs, ctx.io.env);
}
