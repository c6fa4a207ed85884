// Replacing the export of one of kafkajs's own modules before kafkajs loads it, for the two
// workarounds that need it (settled-retry.ts, fetch/kafkajs-decoder.ts): kafkajs's modules keep a
// reference to what they require, so the export must be replaced before the first require.
//
// Run from dist/ (tests, `npm run build` alone), kafkajs is loaded by Node's CommonJS loader and
// the export is replaced in its module cache. Run from the bundle (scripts/bundle.mjs, what the
// `kstream` command runs), kafkajs is inside the bundle, out of that cache's reach: the bundler
// appends to each of these modules a line that hands its export to the hook registered here
// under the module's name, and uses what the hook returns.
import { createRequire } from 'node:module';

/** Set by the bundle's first line. */
const BUNDLED = Symbol.for('kstream.bundled');
/** Read by the line the bundler appends (scripts/bundle.mjs): module name → replacement. */
const HOOKS = Symbol.for('kstream.kafkajs-module-hooks');
/** The modules the bundler prepares for a hook; a name missing here would be a silent no-op. */
export const HOOKED_MODULES = ['kafkajs/src/producer/sendMessages.js', 'kafkajs/src/protocol/recordBatch/v0/decoder.js'] as const;

type Global = Record<symbol, unknown>;
interface Hook {
  replace: (original: unknown) => unknown;
  /** Set by the appended line once it has replaced the export. */
  applied: boolean;
}

const hooks = (): Map<string, Hook> => ((globalThis as Global)[HOOKS] ??= new Map<string, Hook>()) as Map<string, Hook>;

/** Replaces the export of kafkajs module `name` (one of HOOKED_MODULES) with `replace(original)`. */
export function replaceKafkajsModule(name: (typeof HOOKED_MODULES)[number], replace: (original: unknown) => unknown): void {
  if ((globalThis as Global)[BUNDLED]) {
    hooks().set(name, { replace, applied: false });
    return;
  }
  const require = createRequire(import.meta.url);
  const path = require.resolve(name);
  const original: unknown = require(path);
  require.cache[path]!.exports = replace(original);
}

/**
 * Throws if, in the bundle, a replacement registered before kafkajs loaded was not applied once it
 * has: the workaround would be silently missing. Call after kafkajs has loaded.
 */
export function checkKafkajsModuleHooks(): void {
  if (!(globalThis as Global)[BUNDLED]) return;
  for (const [name, hook] of hooks()) {
    if (!hook.applied) throw new Error(`kafkajs module ${name} was loaded without kstream's replacement (see scripts/bundle.mjs)`);
  }
}
