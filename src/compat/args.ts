// A small reader over raw command-line words, for turning Kafka's script forms into kstream's
// before yargs sees them. Flags it does not take pass through unchanged and in order.
import { UsageError } from '../errors.js';

export class ArgList {
  private words: string[];

  constructor(words: string[]) {
    this.words = [...words];
  }

  /** True if `--name` (or `--name=…`) is present, without taking it. */
  has(...names: string[]): boolean {
    return this.words.some((w, i) => this.before(i) && names.some((n) => w === n || w.startsWith(n + '=')));
  }

  /** Removes every `name` (a flag without a value) and says whether there was one. */
  flag(...names: string[]): boolean {
    let found = false;
    this.words = this.words.filter((w, i) => {
      const hit = this.before(i) && names.includes(w);
      found ||= hit;
      return !hit;
    });
    return found;
  }

  /** Removes every `name VALUE` and `name=VALUE`; returns the values in order. */
  values(...names: string[]): string[] {
    const out: string[] = [];
    const kept: string[] = [];
    const end = this.endOfFlags();
    for (let i = 0; i < this.words.length; i++) {
      const w = this.words[i]!;
      const name = i < end ? names.find((n) => w === n || w.startsWith(n + '=')) : undefined;
      if (!name) {
        kept.push(w);
      } else if (w.length > name.length) {
        out.push(w.slice(name.length + 1));
      } else {
        const value = this.words[i + 1];
        if (value === undefined || i + 1 >= end) throw new UsageError(`${name} needs a value`);
        out.push(value);
        i++;
      }
    }
    this.words = kept;
    return out;
  }

  /** The last value of `name`, if any (Kafka's scripts take the last one). */
  value(...names: string[]): string | undefined {
    return this.values(...names).at(-1);
  }

  /**
   * `name [VALUE]` where the value is optional: taken only when the next word is one of `choices`.
   * Returns undefined when absent, '' when given without a value.
   */
  optional(name: string, choices: readonly string[]): string | undefined {
    const at = this.words.findIndex((w, i) => this.before(i) && (w === name || w.startsWith(name + '=')));
    if (at === -1) return undefined;
    const w = this.words[at]!;
    if (w.includes('=')) {
      this.words.splice(at, 1);
      return w.slice(name.length + 1);
    }
    const next = this.words[at + 1];
    const take = next !== undefined && choices.includes(next);
    this.words.splice(at, take ? 2 : 1);
    return take ? next : '';
  }

  /** Adds words at the front (a subcommand and its positionals). */
  unshift(...words: string[]): void {
    this.words.unshift(...words);
  }

  push(...words: string[]): void {
    this.words.push(...words);
  }

  /** Adds `--name value` unless the command line already says `--name` (or one of `aliases`). */
  setDefault(name: string, value: string | undefined, ...aliases: string[]): void {
    if (this.has(name, ...aliases)) return;
    this.words.push(value === undefined ? name : `${name}=${value}`);
  }

  /** Removes the first word. */
  shift(): string | undefined {
    return this.words.shift();
  }

  /** The first word, when it is not a flag (a subcommand). */
  first(): string | undefined {
    const w = this.words[0];
    return w === undefined || w.startsWith('-') ? undefined : w;
  }

  list(): string[] {
    return [...this.words];
  }

  private endOfFlags(): number {
    const at = this.words.indexOf('--');
    return at === -1 ? this.words.length : at;
  }

  private before(i: number): boolean {
    return i < this.endOfFlags();
  }
}

/**
 * Refuses the flags of `tool` that kstream does not have, by name, with what to use instead.
 * Called after the supported ones were taken, so only unsupported ones are left to find.
 */
export function refuseUnsupported(args: ArgList, tool: string, unsupported: Record<string, string>): void {
  for (const [flag, instead] of Object.entries(unsupported)) {
    if (args.has(flag)) throw new UsageError(`${tool}'s ${flag} is not supported by kstream`, { hint: instead });
  }
}
