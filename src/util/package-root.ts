import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  name?: string;
  version: string;
}

let found: { root: string; manifest: Manifest } | undefined;

/**
 * kstream's own directory and package.json, found upward from this module (once): it is under
 * src/ in tests, dist/ after a build, or in dist/bundle/ with the code that imported it.
 */
function locate(): { root: string; manifest: Manifest } {
  if (found) return found;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      if (manifest.name === 'kstream') return (found = { root: dir, manifest });
    } catch {
      // no package.json here: go up
    }
    if (dirname(dir) === dir) throw new Error(`kstream's package.json was not found above ${fileURLToPath(import.meta.url)}`);
  }
}

/** kstream's own directory (its package.json, kafka/pom.xml). */
export function packageRoot(): string {
  return locate().root;
}

/** kstream's version, from its package.json. */
export function packageVersion(): string {
  return locate().manifest.version;
}
