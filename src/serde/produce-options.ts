// produce's schema flags: which schema encodes keys and values, and how its subject is named.
import { UsageError } from '../errors.js';
import { checkChoice, SUBJECT_STRATEGIES, type SchemaChoice, type SubjectStrategy } from './encoder.js';

export const ENCODE_OPTIONS = {
  'value-schema-file': { type: 'string', requiresArg: true, describe: 'Encode each value (a JSON line) with this schema: x.avsc, x.proto or x.json (JSON Schema)' },
  'value-subject': { type: 'string', requiresArg: true, describe: "Encode values with this subject's schema (or register the file under it)" },
  'value-schema-version': { type: 'string', requiresArg: true, describe: 'The version of --value-subject: N or latest (default)' },
  'value-message': { type: 'string', requiresArg: true, describe: 'Protobuf: the message to encode values as (default: the first in the file)' },
  'key-schema-file': { type: 'string', requiresArg: true, describe: 'Encode each key with this schema (as --value-schema-file)' },
  'key-subject': { type: 'string', requiresArg: true, describe: "Encode keys with this subject's schema" },
  'key-schema-version': { type: 'string', requiresArg: true, describe: 'The version of --key-subject: N or latest (default)' },
  'key-message': { type: 'string', requiresArg: true, describe: 'Protobuf: the message to encode keys as' },
  register: { type: 'boolean', describe: 'Register the schema file under its subject first (or find it registered)' },
  'subject-strategy': { choices: SUBJECT_STRATEGIES, requiresArg: true, describe: 'Subject of a schema file: topic (TOPIC-value, the default), record (its record name) or topic-record' },
} as const;

export interface EncodeArgs {
  valueSchemaFile?: string;
  valueSubject?: string;
  valueSchemaVersion?: string;
  valueMessage?: string;
  keySchemaFile?: string;
  keySubject?: string;
  keySchemaVersion?: string;
  keyMessage?: string;
  register?: boolean;
  subjectStrategy?: SubjectStrategy;
}

export interface SchemaOptions {
  key?: SchemaChoice;
  value?: SchemaChoice;
  register: boolean;
  strategy: SubjectStrategy;
}

function choice(file?: string, subject?: string, version?: string, message?: string): SchemaChoice | undefined {
  if (file === undefined && subject === undefined) {
    return undefined;
  }
  return { file, subject, version, message };
}

/** The schema flags checked; undefined when produce sends bytes as they are. */
export function schemaOptions(a: EncodeArgs): SchemaOptions | undefined {
  const value = choice(a.valueSchemaFile, a.valueSubject, a.valueSchemaVersion, a.valueMessage);
  const key = choice(a.keySchemaFile, a.keySubject, a.keySchemaVersion, a.keyMessage);
  const stray = ([['--value-schema-version', a.valueSchemaVersion, value], ['--value-message', a.valueMessage, value], ['--key-schema-version', a.keySchemaVersion, key], ['--key-message', a.keyMessage, key]] as const)
    .find(([, v, side]) => v !== undefined && side === undefined);
  if (stray) throw new UsageError(`${stray[0]} needs a schema file or a subject for that side`);
  if (!value && !key) {
    if (a.register || a.subjectStrategy) throw new UsageError('--register and --subject-strategy apply to --value-schema-file or --key-schema-file');
    return undefined;
  }
  const register = Boolean(a.register);
  if (value) checkChoice('value', value, register);
  if (key) checkChoice('key', key, register);
  return { key, value, register, strategy: a.subjectStrategy ?? 'topic' };
}
