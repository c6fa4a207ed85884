import type { CommandFactory } from '../command.js';
import { printView, type OutputFormat, type View } from '../../output.js';
import type { RegistryClient } from '../../registry/client.js';
import { parseInteger } from '../../util/kv.js';
import { clientFor, commonOptions } from './common.js';

export interface Deleted {
  subject: string;
  versions: number[];
  permanent: boolean;
}

export async function deleteSubject(client: RegistryClient, subject: string, opts: { version?: number; permanent: boolean }): Promise<Deleted> {
  return { subject, versions: await client.delete(subject, opts), permanent: opts.permanent };
}

export function deletedView(d: Deleted): View {
  return { head: ['SUBJECT', 'VERSION', 'DELETED'], rows: d.versions.map((v) => [d.subject, v, d.permanent ? 'permanently' : 'soft']), plain: d.versions.map(String), json: d };
}

export const deleteCommand: CommandFactory = (ctx) => ({
  command: 'delete <subject> [schema-version]',
  describe: 'Delete a subject (every version) or one version: soft by default, its ids still resolve',
  builder: (y) =>
    y
      .positional('subject', { type: 'string', describe: 'Subject, e.g. orders-value' })
      .positional('schema-version', { type: 'string', describe: 'Only this version' })
      .options({
        permanent: { type: 'boolean', default: false, describe: 'Delete for good: records that carry its ids can no longer be decoded' },
        ...commonOptions,
      })
      .example('$0 registry delete orders-value', 'Soft delete: hidden, ids still resolve')
      .example('$0 registry delete orders-value --permanent', 'Gone for good')
      .example('$0 registry delete orders-value 2', 'Only version 2'),
  handler: async (argv) => {
    const version = argv.schemaVersion === undefined ? undefined : parseInteger(argv.schemaVersion, 'VERSION', 1);
    const deleted = await deleteSubject(clientFor(ctx, argv), argv.subject as string, { version, permanent: argv.permanent });
    ctx.info(`deleted ${deleted.versions.length} version${deleted.versions.length === 1 ? '' : 's'} of subject '${deleted.subject}'${deleted.permanent ? ' permanently' : ' (soft: pass --permanent to delete for good)'}`);
    printView(ctx.io, deletedView(deleted), argv.output as OutputFormat | undefined);
  },
});
