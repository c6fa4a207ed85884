import { UsageError } from '../../errors.js';

/** --regex, anchored as Kafka anchors its topic patterns: the whole name must match. */
export function parseRegex(text: string): RegExp {
  try {
    return new RegExp(`^(?:${text})$`);
  } catch (err) {
    throw new UsageError(`--regex '${text}' is not a regular expression: ${(err as Error).message}`, { hint: "e.g. --regex 'orders-.*'" });
  }
}

export function matchTopics(names: string[], regex: RegExp): string[] {
  return names.filter((n) => regex.test(n));
}
