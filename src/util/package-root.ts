import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * kstream's own directory (its package.json, kafka/pom.xml), found upward from this module: it is
 * under src/ in tests, dist/ after a build, or in dist/bundle/ with the code that imported it.
 */
export function packageRoot(): string {
  if (root) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'kstream') return (root = dir);
    } catch {
      // no package.json here: go up
    }
    if (dirname(dir) === dir) throw new Error(`kstream's package.json was not found above ${fileURLToPath(import.meta.url)}`);
  }
}

/** kstream's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
