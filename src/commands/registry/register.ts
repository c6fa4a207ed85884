import type { CommandFactory } from '../command.js';
import { printView, type OutputFormat, type View } from '../../output.js';
import type { NewSchema, RegistryClient } from '../../registry/client.js';
import { clientFor, commonOptions, readSchemaFile, TYPE_CHOICES } from './common.js';

export interface Registered {
  subject: string;
  version: number;
  id: number;
  schemaType: string;
}

/** Registers the schema (a no-op if the subject holds it already) and tells its version and id. */
export async function registerSchema(client: RegistryClient, subject: string, schema: NewSchema): Promise<Registered> {
  const id = await client.register(subject, schema);
  // The register answer has the id only; the lookup adds the version it got.
  const found = await client.lookup(subject, schema);
  return { subject, version: found.version, id, schemaType: schema.schemaType ?? 'AVRO' };
}

export function registeredView(r: Registered): View {
  return { head: ['SUBJECT', 'VERSION', 'ID', 'TYPE'], rows: [[r.subject, r.version, r.id, r.schemaType]], plain: [String(r.id)], json: r };
}

export const registerCommand: CommandFactory = (ctx) => ({
  command: 'register <subject>',
  describe: 'Register a schema under a subject (its id when plain); the subject\'s compatibility level applies',
  builder: (y) =>
    y
      .positional('subject', { type: 'string', describe: 'Subject, e.g. orders-value' })
      .options({
        file: { alias: 'f', type: 'string', demandOption: true, describe: 'The schema file (.avsc, .proto, .json)', requiresArg: true },
        type: { type: 'string', choices: TYPE_CHOICES, describe: 'Schema type (default: from the file extension; .json is JSON Schema)', requiresArg: true },
        ...commonOptions,
      })
      .example('$0 registry register orders-value --file order.avsc', 'An Avro schema')
      .example('$0 registry register orders-value -f order.proto', 'A Protobuf schema')
      .example('$0 registry register orders-value -f order.json --type avro -o plain', 'An Avro schema in a .json file; prints its id'),
  handler: async (argv) => {
    const schema = readSchemaFile(argv.file, argv.type);
    const registered = await registerSchema(clientFor(ctx, argv), argv.subject as string, schema);
    printView(ctx.io, registeredView(registered), argv.output as OutputFormat | undefined);
  },
});
