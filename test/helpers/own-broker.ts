// A one-node broker of a test's own, in a temp dir, for a test that stops it or needs a second
// cluster: the shared test broker is never stopped. It keeps its port, so a restart brings it back
// at the same address.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startBroker, stopBroker } from '../../src/local/broker.js';

export interface OwnBroker {
  bootstrap: string;
  /** Starts it again after stop(), with its data. */
  start(): Promise<void>;
  /** Stops it, keeping its data. */
  stop(graceMs?: number): Promise<void>;
  /** Stops it and removes its data dir. */
  remove(): Promise<void>;
}

/** Starts a broker in a new temp dir named after `prefix`. */
export async function startOwnBroker(prefix: string): Promise<OwnBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const port = await freePort();
  const start = async () => (await startBroker({ dataDir, port, waitMs: 180_000, env: process.env, onProgress: () => undefined })).bootstrap;
  const remove = async () => {
    await stopBroker(dataDir, { clean: true, graceMs: 15_000 });
    rmSync(dataDir, { recursive: true, force: true });
  };
  let bootstrap: string;
  try {
    bootstrap = await start();
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    bootstrap,
    start: async () => void (await start()),
    stop: async (graceMs) => void (await stopBroker(dataDir, { clean: false, graceMs })),
    remove,
  };
}
