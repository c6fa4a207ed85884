import { packageVersion } from './util/package-root.js';
import { createRequire } from 'node:module';
import type yargsType from 'yargs';
import type { Argv } from 'yargs';
import { createContext, type Context, type Io } from './context.js';
import { connectionOptions } from './config/connection.js';
import { InternalError, KstreamError, UsageError, ExitCode } from './errors.js';
import { fromKafkaError, isKafkaFailure } from './kafka/errors.js';
import { commandsFor } from './commands/index.js';
import type { CommandFactory } from './commands/command.js';
import { NameCompletion } from './completion.js';
import { profileOutput } from './config/profile.js';
import { translateKafkaArgs } from './compat/index.js';

// yargs' ESM build wraps help text at a fixed column, mid-word ("consumer g roups"); its CommonJS
// build wraps at word boundaries (wrap-ansi).
const yargs = createRequire(import.meta.url)('yargs') as typeof yargsType;

function buildCli(ctx: Context, args: string[], commands: CommandFactory[], completion: NameCompletion) {
  const cli = yargs(args)
    .scriptName('kstream')
    .usage('$0 <command> [options]\n\nA command-line suite for Apache Kafka.')
    .options(connectionOptions);
  for (const command of commands) cli.command(command(ctx));
  skipHelpCache(cli);
  return cli
    // yargs answers `--get-yargs-completions` (what the scripts of `kstream completion` call);
    // its own script command stays hidden under a name nobody types.
    .completion('__yargs-completion', false, completion.complete)
    .middleware((argv) => {
      argv.output ??= profileOutput(ctx, argv.profile as string | undefined);
    })
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .wrap(Math.min(110, (ctx.io.stdout as { columns?: number }).columns ?? 100))
    .epilog('Docs: README.md · exit codes: 0 ok, 1 bad input, 2 Kafka error, 3 connection or auth failure, 70 internal error (a bug: please report it), 130 interrupted')
    .exitProcess(false)
    .fail((message, err) => {
      if (err) throw err;
      const suggestion = /^Did you mean (.+)\?$/.exec(message ?? '');
      if (suggestion) {
        const typed = closestArg(args, suggestion[1]!);
        throw new UsageError(`unknown command '${typed}'`, { hint: `did you mean \`${suggestion[1]}\`? see \`kstream --help\`` });
      }
      throw new UsageError(message, { hint: 'see `kstream --help`' });
    });
}

interface YargsInternals {
  getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } };
}

/**
 * yargs renders a command's whole help text as it starts the handler, in case the handler shows it
 * later (yargs/yargs#1865). No kstream handler does (a group shows its help before returning), and
 * for produce's or consume's dozens of flags that wrapping costs more CPU than loading the command.
 */
function skipHelpCache(cli: Argv): void {
  (cli as unknown as YargsInternals).getInternalMethods().getUsageInstance().cacheHelpMessage = () => undefined;
}

/** The argument the user most likely meant as `suggested` (longest shared prefix). */
function closestArg(args: string[], suggested: string): string {
  const shared = (a: string) => [...a].findIndex((c, i) => c !== suggested[i]);
  const words = args.filter((a) => !a.startsWith('-') && a !== suggested);
  return words.sort((a, b) => (shared(b) === -1 ? b.length : shared(b)) - (shared(a) === -1 ? a.length : shared(a)))[0] ?? '';
}

/**
 * yargs reads `-K:` as flags K and ':'; kcat users write separators attached like that,
 * so a single-letter flag followed by punctuation becomes the flag and its value.
 */
export function splitAttachedValues(args: string[]): string[] {
  const end = args.indexOf('--');
  return args.flatMap((arg, i) => {
    const m = /^-([A-Za-z])([^\w\s=-].*)$/s.exec(arg);
    return m && (end === -1 || i < end) ? [`-${m[1]}`, m[2]!] : [arg];
  });
}

/** One place turns any failure into a one-line message and an exit code. */
export function reportError(ctx: Context, err: unknown, verbose: boolean): number {
  const error = toKstreamError(err);
  if (error.quiet && !verbose) return error.exitCode;
  if (error.details) ctx.io.stderr.write(error.details.trimEnd() + '\n');
  const hint = error.hint ? ctx.color.dim(` (${error.hint})`) : '';
  ctx.io.stderr.write(`${ctx.color.red('error:')} ${error.message}${hint}\n`);
  if (verbose) ctx.io.stderr.write(String((err as Error)?.stack ?? err) + '\n');
  if (verbose && error.cause && error.cause !== err) ctx.io.stderr.write('caused by: ' + String((error.cause as Error)?.stack ?? error.cause) + '\n');
  return error.exitCode;
}

function toKstreamError(err: unknown): KstreamError {
  if (err instanceof KstreamError) return err;
  if ((err as Error)?.name === 'YError') return new UsageError((err as Error).message);
  if (isKafkaFailure(err)) return fromKafkaError(err);
  return new InternalError(err);
}

/** Runs kstream with `args` on `io` and resolves to the exit code. */
export async function main(argList: string[], io: Io): Promise<number> {
  const ctx = createContext(io);
  const verbose = argList.includes('--verbose') || argList.includes('-v');
  let helpOutput = '';
  try {
    // Kafka's script command lines and kcat's flags, turned into kstream's (src/compat/).
    const translated = translateKafkaArgs(splitAttachedValues(argList));
    const args = translated.args;
    translated.notes.forEach((note) => ctx.warn(note));
    const completion = new NameCompletion(ctx);
    const cli = buildCli(ctx, args, await commandsFor(args), completion);
    const argv = await cli.parseAsync(args, {}, (_err, _argv, output) => {
      helpOutput = output;
    });
    // `kstream` alone: the help is where a new user starts, not an error.
    if (argv._.length === 0 && !helpOutput && !args.some((a) => a.startsWith('--get-yargs-completions'))) helpOutput = await cli.getHelp();
    for (const text of [helpOutput, await completion.names()]) {
      if (text) io.stdout.write(text.endsWith('\n') ? text : text + '\n');
    }
    return ExitCode.OK;
  } catch (err) {
    return reportError(ctx, err, verbose);
  }
}
