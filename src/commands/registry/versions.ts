import type { CommandFactory } from '../command.js';
import { printView, type OutputFormat, type View } from '../../output.js';
import { clientFor, commonOptions } from './common.js';

export function versionsView(subject: string, versions: number[]): View {
  return { head: ['VERSION'], rows: versions.map((v) => [v]), plain: versions.map(String), json: { subject, versions } };
}

export const versionsCommand: CommandFactory = (ctx) => ({
  command: 'versions <subject>',
  describe: 'List the versions of a subject',
  builder: (y) =>
    y
      .positional('subject', { type: 'string', describe: 'Subject, e.g. orders-value' })
      .options({ deleted: { type: 'boolean', default: false, describe: 'Include soft-deleted versions' }, ...commonOptions })
      .example('$0 registry versions orders-value', '1, 2, 3 …'),
  handler: async (argv) => {
    const subject = argv.subject as string;
    const versions = await clientFor(ctx, argv).versions(subject, { deleted: argv.deleted });
    printView(ctx.io, versionsView(subject, versions), argv.output as OutputFormat | undefined);
  },
});
