// argv types derived from a command's option table, so a handler that reads an option the table
// does not declare (or reads it as the wrong type) fails to compile. vitest types its CLI the same way.
import type { InferredOptionTypes, Options } from 'yargs';

/** `key-separator` → `keySeparator`, as yargs camel-cases option names. */
type CamelCaseKey<S> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCaseKey<Tail>>}` : S;

type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] };
type Undefinable<T> = { [K in keyof T as undefined extends T[K] ? K : never]?: T[K] };

/**
 * The camel-cased argv yargs hands a handler for the options table `O`: options with a default are
 * always present, the others optional.
 */
export type ArgsOf<O extends Record<string, Options>> = Flatten<
  Defined<{ [K in keyof InferredOptionTypes<O> as CamelCaseKey<K>]: InferredOptionTypes<O>[K] }> &
  Undefinable<{ [K in keyof InferredOptionTypes<O> as CamelCaseKey<K>]: InferredOptionTypes<O>[K] }>
>;

type Flatten<T> = { [K in keyof T]: T[K] };

/**
 * yargs types argv only through its builder chain, which a command module built for one run loses;
 * this one boundary states what the table declares. Everything after it is checked.
 */
export function typedArgv<A>(argv: unknown): A {
  return argv as A;
}
