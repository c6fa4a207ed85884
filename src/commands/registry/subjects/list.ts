import type { CommandFactory } from '../../command.js';
import { printView, type OutputFormat, type View } from '../../../output.js';
import type { RegistryClient } from '../../../registry/client.js';
import { clientFor, commonOptions } from '../common.js';

export async function listSubjects(client: RegistryClient, opts: { deleted: boolean; prefix?: string }): Promise<string[]> {
  const subjects = await client.subjects({ deleted: opts.deleted });
  return subjects.filter((s) => !opts.prefix || s.startsWith(opts.prefix)).sort();
}

export function subjectsView(subjects: string[]): View {
  return { head: ['SUBJECT'], rows: subjects.map((s) => [s]), plain: subjects, json: subjects };
}

export const listCommand: CommandFactory = (ctx) => ({
  command: ['list', 'ls'],
  describe: 'List the subjects of the registry',
  builder: (y) =>
    y
      .options({
        deleted: { type: 'boolean', default: false, describe: 'Include soft-deleted subjects' },
        prefix: { type: 'string', describe: 'Only subjects starting with this', requiresArg: true },
        ...commonOptions,
      })
      .example('$0 registry subjects list', 'One subject per line when piped')
      .example('$0 registry subjects list --prefix orders- -o json', 'As a JSON array'),
  handler: async (argv) => {
    const subjects = await listSubjects(clientFor(ctx, argv), { deleted: argv.deleted, prefix: argv.prefix });
    printView(ctx.io, subjectsView(subjects), argv.output as OutputFormat | undefined);
  },
});
