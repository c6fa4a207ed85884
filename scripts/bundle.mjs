// Bundles the built CLI (dist/cli.js) with kafkajs into dist/bundle/, which bin/kstream.js runs.
//
// Why: a command's start-up was mostly Node finding, reading and evaluating modules one file at a
// time: kafkajs alone is 164 files, about 65 ms to load on the 2-core benchmark machine, 25 ms as
// one bundled file; `kstream produce` of an empty file took 0.09 s less CPU bundled. Each command
// stays its own chunk, loaded only when the command line names it (src/commands/index.ts).
//
// Left outside (loaded from node_modules when first used): packages with native code, packages
// only some commands use (loaded lazily anyway), and yargs, whose CommonJS build cli.ts wants.
//
// kafkajs's two module replacements (src/kafka/module-hooks.ts) work through its module cache
// when run from dist/; in the bundle, the line appended to each of those modules below hands its
// export to the hook kstream registered.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const BUNDLED = new Set(['kafkajs', 'chalk']);
const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name));

const hooked = (await import(join(root, 'dist', 'kafka', 'module-hooks.js'))).HOOKED_MODULES;

/** Appends the hook line to kafkajs's modules named in module-hooks.ts. */
const kafkajsHooks = {
  name: 'kafkajs-module-hooks',
  setup(b) {
    const names = new Map(hooked.map((name) => [join(root, 'node_modules', name), name]));
    const seen = new Set();
    b.onLoad({ filter: /kafkajs[\\/]src[\\/].*\.js$/ }, async (args) => {
      const name = names.get(args.path);
      if (!name) return undefined;
      seen.add(name);
      const source = await readFile(args.path, 'utf8');
      const hook = `globalThis[Symbol.for('kstream.kafkajs-module-hooks')]?.get(${JSON.stringify(name)})`;
      return { contents: `${source}\n;{ const hook = ${hook}; if (hook) { module.exports = hook.replace(module.exports); hook.applied = true; } }\n`, loader: 'js' };
    });
    b.onEnd(() => {
      const missing = hooked.filter((name) => !seen.has(name));
      if (missing.length) throw new Error(`bundle: kafkajs module(s) not found for their hook: ${missing.join(', ')}`);
    });
  },
};

await rm(join(root, 'dist', 'bundle'), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'dist', 'cli.js')],
  outdir: join(root, 'dist', 'bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: true,
  // Node's require for kafkajs's own requires of Node's modules, and the mark module-hooks.ts reads.
  banner: { js: "import { createRequire as __kstreamRequire } from 'node:module'; const require = __kstreamRequire(import.meta.url); globalThis[Symbol.for('kstream.bundled')] = true;" },
  plugins: [kafkajsHooks],
  logLevel: 'warning',
});
