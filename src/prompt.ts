import type { Context } from './context.js';
import { InterruptedError, UsageError } from './errors.js';

/**
 * Asks a yes/no question on the terminal; without one, refuses with a message naming `flag`.
 * inquirer is loaded only here, so commands that never prompt do not pay for it at startup.
 */
export async function confirm(ctx: Context, question: string, flag = '--yes'): Promise<boolean> {
  if (!ctx.interactive) {
    throw new UsageError(`refusing to ${question.replace(/\?$/, '').toLowerCase()} without confirmation`, {
      hint: `pass ${flag} to confirm when not on a terminal`,
    });
  }
  const { default: inquirer } = await import('inquirer');
  const prompt = inquirer.createPromptModule({ input: ctx.io.stdin as NodeJS.ReadStream, output: ctx.io.stderr as NodeJS.WriteStream });
  const answer = await prompt<{ ok: boolean }>([{ type: 'confirm', name: 'ok', message: question, default: false }]).catch(interrupted);
  return answer.ok;
}

export interface Question {
  name: string;
  message: string;
  default?: string;
  /** true when the answer is acceptable, else the message to show before asking again. */
  validate?: (answer: string) => true | string;
}

/** Asks for text answers on the terminal; callers check `ctx.interactive` first and offer flags instead. */
export async function ask(ctx: Context, questions: Question[]): Promise<Record<string, string>> {
  if (!ctx.interactive) throw new UsageError('cannot ask questions without a terminal');
  const { default: inquirer } = await import('inquirer');
  const prompt = inquirer.createPromptModule({ input: ctx.io.stdin as NodeJS.ReadStream, output: ctx.io.stderr as NodeJS.WriteStream });
  return prompt<Record<string, string>>(questions.map((q) => ({ type: 'input' as const, ...q }))).catch(interrupted);
}

/** Ctrl-C at a prompt (inquirer's ExitPromptError) is an interruption, exit 130, like anywhere else. */
function interrupted(err: unknown): never {
  if ((err as Error)?.name === 'ExitPromptError') throw new InterruptedError('SIGINT');
  throw err;
}
