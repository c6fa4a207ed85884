// kafkajs modules its package does not export by name, imported in one place. Static imports, not
// require(): bundled (scripts/bundle.mjs), these are then the same module instances kafkajs itself
// uses, so its errors are its own classes wherever kafkajs checks them with instanceof.
import protocolError from 'kafkajs/src/protocol/error.js';
import errors from 'kafkajs/src/errors.js';
import Encoder from 'kafkajs/src/protocol/encoder.js';
import Decoder from 'kafkajs/src/protocol/decoder.js';

export interface KafkajsProtocolError extends Error {
  type: string;
  code: number;
  retriable: boolean;
}

export interface KafkajsEncoder {
  writeString(s: string): KafkajsEncoder;
  writeInt32(n: number): KafkajsEncoder;
  writeArray(items: unknown[]): KafkajsEncoder;
}

export interface KafkajsDecoder {
  readInt16(): number;
  readInt32(): number;
  readString(): string;
  readArray<T>(fn: (d: KafkajsDecoder) => T): T[];
}

const table = protocolError as {
  createErrorFromCode(code: number): KafkajsProtocolError;
  errorCodes: Array<{ type: string; code: number }>;
};

/** kafkajs's error for a Kafka error code: the same names and messages its own requests report. */
export const createErrorFromCode = (code: number): KafkajsProtocolError => table.createErrorFromCode(code);
/** kafkajs's table of Kafka's error codes. */
export const errorCodes = table.errorCodes;
export const KafkaJSPartialMessageError = (errors as { KafkaJSPartialMessageError: new (message: string) => Error }).KafkaJSPartialMessageError;
export const KafkajsEncoderClass = Encoder as unknown as new () => KafkajsEncoder;
export const KafkajsDecoderClass = Decoder as unknown as new (b: Buffer) => KafkajsDecoder;
