import type { CommandFactory } from '../command.js';
import { UsageError } from '../../errors.js';
import { printView, type OutputFormat, type View } from '../../output.js';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, type RegistryClient } from '../../registry/client.js';
import { clientFor, commonOptions } from './common.js';

export interface ConfigResult {
  /** null: the registry's global level. */
  subject: string | null;
  compatibility: CompatibilityLevel;
}

/** Sets the level when one is given, then reads it back as the registry has it. */
export async function compatibilityConfig(client: RegistryClient, subject: string | undefined, level: string | undefined): Promise<ConfigResult> {
  if (level !== undefined) {
    const upper = level.toUpperCase();
    if (!(COMPATIBILITY_LEVELS as readonly string[]).includes(upper)) {
      throw new UsageError(`unknown compatibility level '${level}'`, { hint: `use one of ${COMPATIBILITY_LEVELS.join(', ')}` });
    }
    await client.setConfig(subject, upper as CompatibilityLevel);
  }
  return { subject: subject ?? null, compatibility: await client.config(subject) };
}

export function configView(r: ConfigResult): View {
  return { head: ['SUBJECT', 'COMPATIBILITY'], rows: [[r.subject ?? '(global)', r.compatibility]], plain: [r.compatibility], json: r };
}

export const configCommand: CommandFactory = (ctx) => ({
  command: 'config [subject]',
  describe: 'Show or set the compatibility level of a subject, or the global one',
  builder: (y) =>
    y
      .positional('subject', { type: 'string', describe: 'Subject (default: the global level)' })
      .options({
        compatibility: { type: 'string', describe: `Set the level: ${COMPATIBILITY_LEVELS.join(', ')}`, requiresArg: true },
        ...commonOptions,
      })
      .example('$0 registry config', 'The global level (Apicurio: NONE, Confluent: BACKWARD)')
      .example('$0 registry config orders-value --compatibility BACKWARD', 'New versions must read data written with the previous one'),
  handler: async (argv) => {
    const result = await compatibilityConfig(clientFor(ctx, argv), argv.subject as string | undefined, argv.compatibility);
    if (argv.compatibility !== undefined) ctx.info(`compatibility of ${result.subject === null ? 'the registry' : `subject '${result.subject}'`} set to ${result.compatibility}`);
    printView(ctx.io, configView(result), argv.output as OutputFormat | undefined);
  },
});
