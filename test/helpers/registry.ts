// The test run's Schema Registry: the first file to call testRegistry() starts it with the code of
// `kstream local start --schema-registry`, the others wait for it and share it; the global setup
// (test/setup/global-registry.ts) stops it when the run ends.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { freePort } from '../../src/local/broker.js';
import { registryStatus, startRegistry } from '../../src/local/registry.js';

const START_WAIT_MS = 170_000;

/** The ccompat URL of the run's registry (KSTREAM_TEST_REGISTRY, or one started now). Call it in beforeAll. */
export async function testRegistry(): Promise<string> {
  const given = inject('registryUrl');
  if (given) return given;
  const dir = inject('registryDir');
  const readyFile = join(dir, 'url');
  const lock = join(dir, 'starting');
  const deadline = Date.now() + START_WAIT_MS;
  while (Date.now() < deadline) {
    if (existsSync(readyFile) && registryStatus(dir)) return readFileSync(readyFile, 'utf8');
    // mkdir is atomic: exactly one file of the run starts the registry.
    if (tryLock(lock)) {
      try {
        if (existsSync(readyFile) && registryStatus(dir)) return readFileSync(readyFile, 'utf8');
        const started = Date.now();
        const state = await startRegistry({
          dir, port: await freePort(), waitMs: START_WAIT_MS, env: process.env, onProgress: (line) => process.stderr.write(line + '\n'),
        });
        process.stderr.write(`test Schema Registry at ${state.url} (pid ${state.pid}) ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
        writeFileSync(readyFile, state.url);
        return state.url;
      } finally {
        rmdirSync(lock);
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no test Schema Registry in ${dir} within ${START_WAIT_MS / 1000}s (see ${join(dir, 'registry.log')})`);
}

function tryLock(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch {
    return false;
  }
}

export interface GuardedRegistry {
  url: string;
  close(): Promise<void>;
  /** The Authorization headers the front door saw, in order. */
  seen: string[];
}

/**
 * The run's real registry behind a front door of the kind registries are deployed with (a TLS and
 * auth proxy such as nginx): HTTPS with a certificate of `tls`, and a 401 unless the request carries
 * `authorization`. Everything else is forwarded to the registry as is.
 */
export async function guardedRegistry(registryUrl: string, opts: { tls?: { cert: string; key: string }; authorization: string }): Promise<GuardedRegistry> {
  const { createServer: createHttp, request } = await import('node:http');
  const { createServer: createHttps } = await import('node:https');
  const target = new URL(registryUrl);
  const seen: string[] = [];
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    seen.push(req.headers.authorization ?? '');
    if (req.headers.authorization !== opts.authorization) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="registry"' });
      res.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
      return;
    }
    const headers = { ...req.headers, host: target.host };
    delete headers.authorization;
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: target.pathname + req.url, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = opts.tls ? createHttps({ cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) }, handler) : createHttp(handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
