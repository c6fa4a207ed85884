// A one-node broker with a second listener whose advertised address nobody listens on: the
// bootstrap answers, then every client meets an advertised listener it cannot reach (as with a
// broker in a container that advertises its internal name).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startBroker, stopBroker } from '../../src/local/broker.js';

export interface AdvertisedBroker {
  /** The reachable listener that advertises `advertised`. */
  bootstrap: string;
  advertised: string;
  stop(): Promise<void>;
}

export async function startAdvertisedBroker(): Promise<AdvertisedBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kstream-advertised-'));
  const [port, controllerPort, external, dead] = await distinctFreePorts(4);
  await startBroker({
    dataDir, port: port!, controllerPort, waitMs: 180_000, env: process.env, onProgress: () => undefined,
    extraProperties: {
      listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},EXTERNAL://127.0.0.1:${external}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${port},EXTERNAL://127.0.0.1:${dead}`,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT',
    },
  });
  return {
    bootstrap: `127.0.0.1:${external}`,
    advertised: `127.0.0.1:${dead}`,
    stop: async () => {
      await stopBroker(dataDir, { clean: true, graceMs: 15_000 });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
