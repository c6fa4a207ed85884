import type { CommandFactory } from '../command.js';
import { KstreamError, ExitCode } from '../../errors.js';
import { printView, type OutputFormat, type View } from '../../output.js';
import { RegistryError, type Compatibility, type NewSchema, type RegistryClient, type VersionRef } from '../../registry/client.js';
import { clientFor, commonOptions, parseVersion, readSchemaFile, TYPE_CHOICES } from './common.js';

export interface CheckResult extends Compatibility {
  subject: string;
  version: VersionRef;
  level: string;
}

/** Whether the schema could be registered under the subject; a subject without versions takes any. */
export async function checkSchema(client: RegistryClient, subject: string, schema: NewSchema, version: VersionRef): Promise<CheckResult> {
  const level = await client.config(subject).catch((err) => (err instanceof RegistryError && err.code === 40401 ? client.config() : Promise.reject(err)));
  try {
    return { subject, version, level, ...(await client.checkCompatibility(subject, schema, version)) };
  } catch (err) {
    if (err instanceof RegistryError && err.code === 40401 && version === 'latest') {
      return { subject, version, level, compatible: true, messages: ['the subject has no versions yet: any schema may be its first'] };
    }
    throw err;
  }
}

export function checkView(r: CheckResult): View {
  const verdict = r.compatible ? 'yes' : 'no';
  return {
    head: ['SUBJECT', 'VERSION', 'LEVEL', 'COMPATIBLE', 'MESSAGES'],
    rows: [[r.subject, r.version, r.level, verdict, r.messages.length ? r.messages.join('\n') : undefined]],
    plain: [r.compatible ? 'compatible' : 'incompatible', ...r.messages],
    json: r,
  };
}

export const checkCommand: CommandFactory = (ctx) => ({
  command: 'check <subject>',
  describe: 'Test whether a schema is compatible with a subject, by its compatibility level (exit 1 when not)',
  builder: (y) =>
    y
      .positional('subject', { type: 'string', describe: 'Subject, e.g. orders-value' })
      .options({
        file: { alias: 'f', type: 'string', demandOption: true, describe: 'The schema file (.avsc, .proto, .json)', requiresArg: true },
        type: { type: 'string', choices: TYPE_CHOICES, describe: 'Schema type (default: from the file extension)', requiresArg: true },
        against: { type: 'string', default: 'latest', describe: 'Check against this version of the subject (a number or latest)', requiresArg: true },
        ...commonOptions,
      })
      .example('$0 registry check orders-value --file order-v2.avsc', 'Before registering: would it be accepted?')
      .example('$0 registry check orders-value -f order-v2.avsc --against 1', 'Against version 1 only'),
  handler: async (argv) => {
    const schema = readSchemaFile(argv.file, argv.type);
    const result = await checkSchema(clientFor(ctx, argv), argv.subject as string, schema, parseVersion(argv.against, '--against'));
    printView(ctx.io, checkView(result), argv.output as OutputFormat | undefined);
    if (!result.compatible) {
      throw new KstreamError(`${argv.file} is not compatible with subject '${result.subject}' (level ${result.level})`, {
        exitCode: ExitCode.USAGE,
        hint: result.level === 'NONE' ? undefined : `change the schema, or the level with \`kstream registry config ${result.subject} --compatibility …\``,
      });
    }
  },
});
