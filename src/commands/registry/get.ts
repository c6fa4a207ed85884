import type { CommandFactory } from '../command.js';
import { UsageError } from '../../errors.js';
import { printView, type OutputFormat } from '../../output.js';
import type { RegistryClient, Schema, SubjectVersion } from '../../registry/client.js';
import { parseInteger } from '../../util/kv.js';
import { clientFor, commonOptions, parseVersion, schemaView } from './common.js';

export interface GetOptions {
  subject?: string;
  version?: string;
  id?: string;
}

/** A subject's version (default latest), or the schema of an id. */
export async function getSchema(client: RegistryClient, opts: GetOptions): Promise<Schema | SubjectVersion> {
  if (opts.id !== undefined) {
    if (opts.subject !== undefined) throw new UsageError('give a SUBJECT [VERSION] or --id, not both');
    return client.schemaById(parseInteger(opts.id, '--id', 0));
  }
  if (opts.subject === undefined) throw new UsageError('name a subject, or a schema id with --id', { hint: 'e.g. `kstream registry get orders-value` or `kstream registry get --id 3`' });
  return client.version(opts.subject, parseVersion(opts.version));
}

export const getCommand: CommandFactory = (ctx) => ({
  command: 'get [subject] [schema-version]',
  describe: 'Show a schema: a version of a subject (default the latest), or by id',
  builder: (y) =>
    y
      .positional('subject', { type: 'string', describe: 'Subject, e.g. orders-value' })
      .positional('schema-version', { type: 'string', describe: 'Version number or latest (default latest)' })
      .options({ id: { type: 'string', describe: 'The schema of this id (as records carry it)', requiresArg: true }, ...commonOptions })
      .example('$0 registry get orders-value', 'The latest version: subject, version, id, type, schema')
      .example('$0 registry get orders-value 2 -o plain > orders.avsc', 'Version 2, the schema text only')
      .example('$0 registry get --id 7 -o json', 'The schema of id 7 as JSON'),
  handler: async (argv) => {
    const schema = await getSchema(clientFor(ctx, argv), { subject: argv.subject as string | undefined, version: argv.schemaVersion as string | undefined, id: argv.id });
    printView(ctx.io, schemaView(schema), argv.output as OutputFormat | undefined);
  },
});
