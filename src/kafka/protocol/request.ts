// Requests kstream encodes itself, sent over kafkajs's broker connections (same TLS, SASL,
// timeouts and correlation ids as every other request). kafkajs writes request header v1, which
// has no tagged fields; a flexible version needs header v2, which is v1 plus an empty tagged-field
// section: so the body is prefixed with that one 0x00 byte. kafkajs likewise hands the response
// over after the correlation id, and a flexible response header (v1) has a tagged-field section
// there, which is skipped before the body is read.
import { KstreamError } from '../../errors.js';
import type { KafkajsBroker } from '../cluster.js';
import { Reader, Writer } from './wire.js';

export interface RawRequest<T> {
  apiKey: number;
  apiName: string;
  apiVersion: number;
  /** The version uses KIP-482's flexible encoding (compact types, tagged fields). */
  flexible: boolean;
  encode(w: Writer): void;
  decode(r: Reader): T;
}

export async function sendRaw<T>(broker: KafkajsBroker, req: RawRequest<T>): Promise<T> {
  return broker.connectionPool.send<T>({
    request: {
      apiKey: req.apiKey,
      apiVersion: req.apiVersion,
      apiName: req.apiName,
      encode: async () => {
        const w = new Writer();
        if (req.flexible) w.tags();
        req.encode(w);
        return rawEncoder(w.toBuffer());
      },
    },
    response: {
      decode: async (payload: Buffer) => {
        const r = new Reader(payload);
        if (req.flexible) r.tags();
        return req.decode(r);
      },
      // kafkajs's parse step throws on error codes; raw requests report errors in their result.
      parse: async (data: T) => data,
    },
  });
}

/** What kafkajs's request writer reads from an encoder: `buf` (checked) and `buffer`. */
function rawEncoder(buf: Buffer) {
  return { buf, buffer: buf };
}

/**
 * The highest version of `apiKey` both sides speak, from the broker's ApiVersions answer, or a
 * one-line error naming what this broker lacks.
 */
export function pickVersion(broker: KafkajsBroker, apiKey: number, apiName: string, ours: { min: number; max: number }): number {
  const theirs = broker.versions?.[apiKey];
  const v = theirs ? Math.min(theirs.maxVersion, ours.max) : -1;
  if (!theirs || v < Math.max(theirs.minVersion, ours.min)) {
    throw new KstreamError(`broker ${broker.nodeId} does not support ${apiName} (API key ${apiKey})`, {
      hint: 'this needs a newer Kafka broker (3.x or later)',
    });
  }
  return v;
}
