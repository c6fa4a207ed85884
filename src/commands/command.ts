import type { Argv, CommandModule } from 'yargs';
import type { Context } from '../context.js';
import { resolveConnection, type ConnectionArgs } from '../config/connection.js';
import type { Connection } from '../kafka/connection.js';
import { profileFor } from '../config/profile.js';

/** A yargs command module built for one run, so handlers reach stdio through the context. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandFactory = (ctx: Context) => CommandModule<any, any>;

/** The broker connection the global flags, environment and profile describe (precedence in resolveConnection). */
export function connectionFrom(ctx: Context, argv: object): Connection {
  const args = argv as ConnectionArgs;
  const selected = profileFor(ctx, args.profile);
  const conn = resolveConnection(args, ctx.io.env, selected?.profile);
  if (conn.ssl?.rejectUnauthorized === false) {
    ctx.warn(ctx.color.bold('TLS certificate checks are OFF (insecure-skip-verify): anyone on the network path can read and change this traffic'));
  }
  if (conn.sasl?.mechanism === 'plain' && !conn.ssl && !conn.brokers.every(isLoopback)) {
    ctx.warn('SASL PLAIN without TLS sends the password in clear text over the network; add --tls (or tls: in the profile)');
  }
  return conn;
}

const isLoopback = (broker: string) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]):\d+$/.test(broker);

export interface GroupSpec {
  command: string;
  describe: string;
  children: CommandFactory[];
  examples?: Array<[string, string]>;
}

/**
 * A command that only groups subcommands. Typed alone (`kstream topics`) it prints its own help
 * on stdout and exits 0, as rpk and cobra-based CLIs do: it is how a new user finds the subcommands.
 */
export function groupCommand(spec: GroupSpec): CommandFactory {
  return (ctx) => {
    let scoped: Argv | undefined;
    return {
      command: spec.command,
      describe: spec.describe,
      builder: (y: Argv) => {
        scoped = y;
        for (const child of spec.children) y.command(child(ctx));
        for (const [cmd, what] of spec.examples ?? []) y.example(cmd, what);
        return y;
      },
      handler: () => {
        scoped?.showHelp((text: string) => ctx.io.stdout.write(text.endsWith('\n') ? text : text + '\n'));
      },
    };
  };
}
