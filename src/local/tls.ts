import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, KstreamError } from '../errors.js';

/** The certificates of a local TLS listener, generated once per data dir (in <data-dir>/tls). */
export interface TlsFiles {
  dir: string;
  /** PEM of the CA that signed the broker and client certificates: what clients pass as --tls-ca. */
  ca: string;
  /** PKCS12 keystore with the broker's key and certificate chain. */
  keystore: string;
  /** Password of the keystore, kept in <dir>/keystore-password (owner-only). */
  password: string;
  /** A client certificate and key signed by the same CA, for mutual TLS. */
  clientCert: string;
  clientKey: string;
}

const DAYS = '825';

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) {
    throw new KstreamError('openssl was not found; it is needed to make the local TLS certificates', {
      exitCode: ExitCode.USAGE, hint: 'install it (Debian: apt-get install openssl)',
    });
  }
  if (r.status !== 0) throw new KstreamError(`openssl ${args[0]} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`);
}

/** A self-signed CA (`<name>.pem`, `<name>.key`) in `dir`; also used by tests to make an untrusted one. */
export function generateCa(dir: string, name: string, subject = 'kstream local CA'): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', DAYS, '-subj', `/CN=${subject}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', `${name}.key`, '-out', `${name}.pem`], dir);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

/** A key and certificate `<name>.pem`/`<name>.key` signed by `ca`, valid for localhost and 127.0.0.1. */
export function signCertificate(dir: string, ca: { cert: string; key: string }, name: string, usage: 'serverAuth' | 'clientAuth'): { cert: string; key: string } {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=${usage}\nbasicConstraints=CA:FALSE\n`);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name === 'broker' ? 'localhost' : `kstream-${name}`}`, '-keyout', `${name}.key`, '-out', `${name}.csr`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', DAYS, '-extfile', ext, '-out', `${name}.pem`], dir);
  rmSync(join(dir, `${name}.csr`));
  rmSync(ext);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

/** The TLS files of this data dir, made on first use and reused afterwards (clients keep trusting the same CA). */
export function ensureTlsFiles(dataDir: string): TlsFiles {
  const dir = join(dataDir, 'tls');
  const files = {
    dir, ca: join(dir, 'ca.pem'), keystore: join(dir, 'broker.p12'),
    clientCert: join(dir, 'client.pem'), clientKey: join(dir, 'client.key'),
  };
  const passwordFile = join(dir, 'keystore-password');
  if (existsSync(files.keystore) && existsSync(passwordFile)) return { ...files, password: readFileSync(passwordFile, 'utf8').trim() };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = randomBytes(12).toString('hex');
  const ca = generateCa(dir, 'ca');
  const broker = signCertificate(dir, ca, 'broker', 'serverAuth');
  signCertificate(dir, ca, 'client', 'clientAuth');
  openssl(['pkcs12', '-export', '-in', broker.cert, '-inkey', broker.key, '-certfile', ca.cert, '-name', 'broker',
    '-out', files.keystore, '-passout', `pass:${password}`], dir);
  writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
  return { ...files, password };
}
