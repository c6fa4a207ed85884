// Starts one throwaway broker for the whole run through the same code as `kstream local start`,
// unless KSTREAM_TEST_BROKERS names one that is already running.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startBroker, stopBroker } from '../../src/local/broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    brokers: string;
    /** The data dir of the broker the setup started; empty when KSTREAM_TEST_BROKERS was given. */
    brokerDataDir: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.KSTREAM_TEST_BROKERS;
  if (given) {
    project.provide('brokers', given);
    project.provide('brokerDataDir', '');
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'kstream-test-broker-'));
  const started = Date.now();
  const state = await startBroker({
    dataDir,
    port: await freePort(),
    waitMs: 180_000,
    env: process.env,
    onProgress: (line) => process.stderr.write(line + '\n'),
  });
  process.stderr.write(`test broker at ${state.bootstrap} (pid ${state.pid}) started in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  project.provide('brokers', state.bootstrap);
  project.provide('brokerDataDir', dataDir);
  return async () => {
    await stopBroker(dataDir, { clean: true, graceMs: 15_000 });
  };
}
