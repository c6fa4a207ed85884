// One Schema Registry per test run, started by the first test file that asks for one
// (test/helpers/registry.ts) so that runs without such a file pay nothing; stopped here at the end.
// KSTREAM_TEST_REGISTRY names an already running registry (its ccompat URL) to use instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureRegistryServer, stopRegistry } from '../../src/local/registry.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** KSTREAM_TEST_REGISTRY, or empty. */
    registryUrl: string;
    /** Where the run's registry keeps its state; empty when KSTREAM_TEST_REGISTRY is given. */
    registryDir: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.KSTREAM_TEST_REGISTRY;
  if (given) {
    project.provide('registryUrl', given);
    project.provide('registryDir', '');
    return;
  }
  // On a new machine: fetch the server (about 150 MB) here, where no hook timeout applies, rather
  // than in the first test file's beforeAll. Once cached this is a file check.
  await ensureRegistryServer(process.env, (line) => process.stderr.write(line + '\n'));
  const dir = mkdtempSync(join(tmpdir(), 'kstream-test-registry-'));
  project.provide('registryUrl', '');
  project.provide('registryDir', dir);
  return async () => {
    await stopRegistry(dir, { graceMs: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  };
}
