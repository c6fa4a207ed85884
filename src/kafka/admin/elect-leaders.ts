// ElectLeaders (API key 43, KIP-460): move leadership to each partition's preferred replica, or
// (unclean) to any live replica when no in-sync one is left. kafkajs only speaks v0, which has no
// election type; kstream sends v1 (classic) or v2 (flexible), whichever the broker speaks.
import type { KafkajsBroker } from '../cluster.js';
import { errorName } from '../protocol/errors.js';
import { pickVersion, sendRaw } from '../protocol/request.js';
import type { Reader, Writer } from '../protocol/wire.js';

export const ELECT_LEADERS = 43;
export const ElectionType = { preferred: 0, unclean: 1 } as const;
export type ElectionKind = keyof typeof ElectionType;

export interface ElectionResult { topic: string; partition: number; error?: string; message?: string }

/** `partitions` null: every partition of the cluster. */
export async function electLeaders(broker: KafkajsBroker, type: ElectionKind, partitions: Map<string, number[]> | null, timeoutMs: number): Promise<{ error?: string; results: ElectionResult[] }> {
  const version = pickVersion(broker, ELECT_LEADERS, 'ElectLeaders', { min: 1, max: 2 });
  const flexible = version >= 2;
  const str = (w: Writer, s: string) => (flexible ? w.compactString(s) : w.string(s));
  const arr = <T>(w: Writer, items: readonly T[] | null, each: (w: Writer, item: T) => void) => (flexible ? w.compactArray(items, each) : w.array(items, each));
  const rstr = (r: Reader) => (flexible ? r.compactString() : r.string());
  const rarr = <T>(r: Reader, each: (r: Reader) => T) => (flexible ? r.compactArray(each) : r.array(each));
  return sendRaw(broker, {
    apiKey: ELECT_LEADERS,
    apiName: 'ElectLeaders',
    apiVersion: version,
    flexible,
    encode: (w) => {
      w.int8(ElectionType[type]);
      arr(w, partitions === null ? null : [...partitions], (w, [topic, parts]) => {
        str(w, topic);
        arr(w, parts, (w, p) => w.int32(p));
        if (flexible) w.tags();
      });
      w.int32(timeoutMs);
      if (flexible) w.tags();
    },
    decode: (r) => {
      r.int32(); // throttle time
      const error = errorName(r.int16());
      const results = rarr(r, (t) => {
        const topic = rstr(t) ?? '';
        const parts = rarr(t, (p) => {
          const out = { topic, partition: p.int32(), error: errorName(p.int16()), message: rstr(p) ?? undefined };
          if (flexible) p.tags();
          return out;
        });
        if (flexible) t.tags();
        return parts;
      }).flat();
      if (flexible) r.tags();
      return { error, results };
    },
  });
}
