// pipeline's side of the serde, as two transforms around a stage's own: the first decodes keys and
// values in the wire format to JSON text (so --map and --filter see it as r.value and r.json), the
// last encodes the values for the destination with its schema. A record either cannot read or
// encode fails its batch without retries: to the --dlq if there is one, else the stage stops.
import type { Context } from '../context.js';
import { DeserializeError } from '../commands/consume/deserializers.js';
import { TransformError, type PipeRecord } from '../commands/pipeline/record.js';
import type { StageSpec } from '../commands/pipeline/stage.js';
import type { Transform } from '../commands/pipeline/transforms.js';
import { UsageError } from '../errors.js';
import { DECODE_OPTIONS, decoderFor, type DecodeArgs } from './consume-options.js';
import type { RecordDecoder } from './decoder.js';
import { encodingParser, prepareEncoder, SUBJECT_STRATEGIES, type Encoder, type SubjectStrategy } from './encoder.js';
import { registryOptions, type OpenRegistry } from './connect.js';
import { ParsedRecord } from '../commands/produce/records.js';

export const PIPELINE_SERDE_OPTIONS = {
  ...registryOptions,
  ...DECODE_OPTIONS,
  'to-value-schema-file': { type: 'string', requiresArg: true, describe: 'Encode output values (JSON) with this schema for the destination: x.avsc, x.proto or x.json' },
  'to-value-subject': { type: 'string', requiresArg: true, describe: "Encode output values with this subject's schema" },
  'to-value-schema-version': { type: 'string', requiresArg: true, describe: 'The version of --to-value-subject: N or latest (default)' },
  'to-value-message': { type: 'string', requiresArg: true, describe: 'Protobuf: the message to encode output values as' },
  register: { type: 'boolean', describe: 'Register --to-value-schema-file under its subject first' },
  'subject-strategy': { choices: SUBJECT_STRATEGIES, requiresArg: true, describe: 'Subject of --to-value-schema-file: topic (DST-value), record or topic-record' },
} as const;

export interface PipelineSerdeArgs extends DecodeArgs {
  toValueSchemaFile?: string;
  toValueSubject?: string;
  toValueSchemaVersion?: string;
  toValueMessage?: string;
  register?: boolean;
  subjectStrategy?: SubjectStrategy;
}

/** The stages with decoding and encoding added where asked; unchanged without a registry. */
export async function withSchemas(ctx: Context, stages: StageSpec[], a: PipelineSerdeArgs, registry: OpenRegistry | undefined): Promise<StageSpec[]> {
  const encoding = a.toValueSchemaFile !== undefined || a.toValueSubject !== undefined;
  if (encoding && !registry) throw new UsageError('--to-value-schema-file and --to-value-subject need a schema registry', { hint: 'pass --schema-registry URL' });
  // Bytes pass through a pipeline unchanged unless asked: a configured registry alone decodes nothing.
  // Values are decoded for --value-format or an encoding destination; keys only for --key-format.
  const asked = a.valueFormat !== undefined || a.keyFormat !== undefined || encoding;
  const formats = { valueFormat: a.valueFormat ?? (encoding || a.keyFormat === undefined ? 'auto' : 'raw'), keyFormat: a.keyFormat ?? 'raw' } as const;
  const decoder = asked ? decoderFor(ctx, formats, registry?.api, registry?.isNotFound ?? (() => false)) : undefined;
  const out: StageSpec[] = [];
  for (const stage of stages) {
    const before = decoder ? [decodeTransform(decoder)] : [];
    let after: Transform[] = [];
    if (encoding) {
      if (stage.to.length !== 1) throw new UsageError('--to-value-schema-file encodes for one destination topic', { hint: 'give the stage one --to topic' });
      const encoder = await prepareEncoder(registry!.api, 'value', { file: a.toValueSchemaFile, subject: a.toValueSubject, version: a.toValueSchemaVersion, message: a.toValueMessage }, {
        topic: stage.to[0]!, register: Boolean(a.register), strategy: a.subjectStrategy ?? 'topic',
      }, registry!.isNotFound);
      after = [encodeTransform(encoder)];
    }
    out.push({ ...stage, transforms: [...before, ...stage.transforms, ...after] });
  }
  return out;
}

function decodeTransform(decoder: RecordDecoder): Transform {
  return async (batch) => {
    await decoder.prepare(batch);
    return batch.map((rec) => {
      const o = rec.origin;
      try {
        const d = decoder.decode({ topic: o?.topic ?? '', partition: o?.partition ?? 0, offset: o?.offset ?? '', timestamp: o?.timestamp ?? '', key: rec.key, value: rec.value });
        return d.key === rec.key && d.value === rec.value ? rec : { ...rec, key: d.key, value: d.value };
      } catch (err) {
        if (!(err instanceof DeserializeError)) throw err;
        throw new TransformError(`cannot decode the record at ${o ? `${o.topic} partition ${o.partition} offset ${o.offset}` : 'this position'}: ${err.message}`, { retriable: false });
      }
    });
  };
}

function encodeTransform(encoder: Encoder): Transform {
  const encode = encodingParser((data, start, end, _where, out) => {
    out.value = data;
    out.valueStart = start;
    out.valueEnd = end;
  }, { value: encoder, lenientStrings: false });
  const parsed = new ParsedRecord();
  return async (batch) => batch.map((rec, i) => {
    if (rec.value === null) return rec;
    try {
      encode(rec.value, 0, rec.value.length, () => `output record ${i + 1} of the batch`, parsed);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw new TransformError(err.message, { retriable: false });
    }
    return { ...rec, value: parsed.value };
  });
}

export type { PipeRecord };
