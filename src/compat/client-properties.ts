// Java client properties (--command-config, --producer-property, --consumer.config…) and
// librdkafka's (kcat -X), turned into kstream's connection flags. Only the security and address
// settings matter to a command line; tuning settings are ignored with a note.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { parseKeyValues } from '../util/kv.js';
import type { ArgList } from './args.js';

export type Properties = Array<[string, string]>;

/** Handlers a command adds for its own properties (acks, group.id, print.key…). */
export type PropertyHandlers = Record<string, (value: string) => void>;

/** Reads a Java .properties file: `k=v`, `k: v` or `k v`, # and ! comments, \ line continuations. */
export function readPropertiesFile(path: string, flag: string): Properties {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${flag} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return parseProperties(text);
}

export function parseProperties(text: string): Properties {
  const out: Properties = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/^\s+/, '');
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line) ?? [line, line, ''];
    out.push([unescapeJava(m[1]!), unescapeJava(m[2]!)]);
  }
  return out;
}

function unescapeJava(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) =>
    c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c);
}

/** `--x-property k=v` values as pairs. */
export const keyValues = (items: string[], flag: string): Properties => parseKeyValues(items, flag);

const JKS_HINT =
  'convert it to PEM: `keytool -exportcert -rfc -keystore FILE -alias ALIAS > ca.pem` (for a key store, `keytool -importkeystore -deststoretype PKCS12` then `openssl pkcs12 -nodes`), then set ssl.truststore.type=PEM and ssl.truststore.location=ca.pem';

/** Settings that change how a client batches or waits: kstream has its own, so they are ignored. */
const IGNORED = /^(linger\.ms|batch\.size|buffer\.memory|retries|retry\.backoff\.ms|retry\.backoff\.max\.ms|max\.block\.ms|request\.timeout\.ms|delivery\.timeout\.ms|max\.in\.flight\.requests\.per\.connection|enable\.idempotence|metadata\.max\.age\.ms|send\.buffer\.bytes|receive\.buffer\.bytes|reconnect\.backoff\.ms|reconnect\.backoff\.max\.ms|connections\.max\.idle\.ms|default\.api\.timeout\.ms|session\.timeout\.ms|heartbeat\.interval\.ms|max\.poll\.records|max\.poll\.interval\.ms|fetch\.min\.bytes|fetch\.max\.bytes|fetch\.max\.wait\.ms|max\.partition\.fetch\.bytes|enable\.auto\.commit|auto\.commit\.interval\.ms|socket\.connection\.setup\.timeout\.ms|socket\.connection\.setup\.timeout\.max\.ms|client\.dns\.lookup|partitioner\.class|interceptor\.classes|key\.serializer|value\.serializer|allow\.auto\.create\.topics|ssl\.truststore\.password|ssl\.keystore\.password|ssl\.protocol|ssl\.enabled\.protocols|api\.version\.request|queue\.buffering\.max\.ms|queue\.buffering\.max\.messages|message\.max\.bytes|debug|statistics\.interval\.ms|socket\.keepalive\.enable|topic\.metadata\.refresh\.interval\.ms)$/;

/**
 * Applies client properties as kstream flags on `args`. A flag already on the command line wins.
 * `own` handles a command's own properties first. Returns notes for stderr (ignored settings).
 */
export function applyClientProperties(args: ArgList, props: Properties, source: string, own: PropertyHandlers = {}): string[] {
  const notes: string[] = [];
  const security = new Map<string, string>();
  for (const [name, value] of props) {
    const handler = own[name];
    if (handler) handler(value);
    else if (COMMON[name]) COMMON[name](args, value);
    else if (/^(security\.|sasl\.|ssl\.)/.test(name) || name === 'enable.ssl.certificate.verification') security.set(name, value);
    else if (IGNORED.test(name)) notes.push(`kstream ignores ${source} '${name}': it sets its own batching and timeouts`);
    else notes.push(`kstream ignores ${source} '${name}': not a setting it knows`);
  }
  applySecurity(args, security, source);
  return notes;
}

const COMMON: Record<string, (args: ArgList, value: string) => void> = {
  'bootstrap.servers': (args, v) => args.setDefault('--bootstrap-server', v, '-b', '--brokers', '--broker-list'),
  'metadata.broker.list': (args, v) => args.setDefault('--bootstrap-server', v, '-b', '--brokers', '--broker-list'),
  'client.id': (args, v) => args.setDefault('--client-id', v),
};

function applySecurity(args: ArgList, props: Map<string, string>, source: string): void {
  const take = (name: string) => {
    const v = props.get(name);
    props.delete(name);
    return v;
  };
  const protocol = take('security.protocol')?.toUpperCase();
  if (protocol !== undefined && !['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw new UsageError(`${source} security.protocol=${protocol} is not a security protocol`, { hint: 'use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL' });
  }
  if (protocol === 'SSL' || protocol === 'SASL_SSL') args.setDefault('--tls', undefined);
  if (protocol?.startsWith('SASL')) applySasl(args, props, take, source);
  else if (props.has('sasl.jaas.config') || props.has('sasl.username')) applySasl(args, props, take, source);
  applyTls(args, take, source);
  take('sasl.mechanism');
  take('sasl.mechanisms');
  const left = [...props.keys()];
  if (left.length > 0) {
    throw new UsageError(`${source} '${left[0]}' is a security setting kstream does not support`, {
      hint: 'kstream speaks SASL PLAIN and SCRAM and TLS with PEM files; see `kstream --help` for the --sasl-* and --tls-* flags',
    });
  }
}

function applySasl(args: ArgList, props: Map<string, string>, take: (n: string) => string | undefined, source: string): void {
  const mechanism = (take('sasl.mechanism') ?? take('sasl.mechanisms') ?? 'PLAIN').toUpperCase();
  if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism)) {
    throw new UsageError(`${source} sasl.mechanism=${mechanism} is not supported by kstream`, { hint: 'kstream speaks PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512' });
  }
  args.setDefault('--sasl-mechanism', mechanism.toLowerCase());
  const jaas = take('sasl.jaas.config');
  const user = take('sasl.username') ?? (jaas === undefined ? undefined : jaasOption(jaas, 'username', source));
  const password = take('sasl.password') ?? (jaas === undefined ? undefined : jaasOption(jaas, 'password', source));
  if (user !== undefined) args.setDefault('--sasl-username', user);
  if (password !== undefined) args.setDefault('--sasl-password', password);
  void props;
}

/** One option of `…LoginModule required username="alice" password="secret";`. */
function jaasOption(jaas: string, name: string, source: string): string {
  if (!/(PlainLoginModule|ScramLoginModule)\s+required/.test(jaas)) {
    throw new UsageError(`${source} sasl.jaas.config names a login module kstream does not support`, {
      hint: 'use org.apache.kafka.common.security.plain.PlainLoginModule or org.apache.kafka.common.security.scram.ScramLoginModule',
    });
  }
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"((?:\\\\.|[^"\\\\])*)"|([^\\s;]+))`).exec(jaas);
  if (!m) throw new UsageError(`${source} sasl.jaas.config has no ${name}`, { hint: `write ${name}="…" in it` });
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!;
}

function applyTls(args: ArgList, take: (n: string) => string | undefined, source: string): void {
  const truststore = take('ssl.truststore.location');
  const truststoreType = (take('ssl.truststore.type') ?? (truststore?.endsWith('.pem') ? 'PEM' : 'JKS')).toUpperCase();
  if (truststore !== undefined) {
    if (truststoreType !== 'PEM') throw new UsageError(`${source}: ${truststoreType} trust stores (${truststore}) are not supported`, { hint: JKS_HINT });
    args.setDefault('--tls-ca', truststore);
  }
  if (take('ssl.truststore.certificates') !== undefined) {
    throw new UsageError(`${source} ssl.truststore.certificates (inline PEM) is not supported`, { hint: 'put the certificates in a file and set ssl.truststore.type=PEM and ssl.truststore.location=FILE' });
  }
  const keystore = take('ssl.keystore.location');
  const keystoreType = (take('ssl.keystore.type') ?? (keystore?.endsWith('.pem') ? 'PEM' : 'JKS')).toUpperCase();
  if (keystore !== undefined) {
    if (keystoreType !== 'PEM') throw new UsageError(`${source}: ${keystoreType} key stores (${keystore}) are not supported`, { hint: JKS_HINT });
    // A PEM key store holds the key and the certificate chain in one file.
    args.setDefault('--tls-cert', keystore);
    args.setDefault('--tls-key', keystore);
  }
  if (take('ssl.key.password') !== undefined) {
    throw new UsageError(`${source} ssl.key.password: encrypted keys are not supported`, { hint: 'decrypt the key first: `openssl pkey -in key.pem -out plain-key.pem`' });
  }
  // librdkafka's names (kcat -X).
  const ca = take('ssl.ca.location');
  if (ca !== undefined) args.setDefault('--tls-ca', ca);
  const cert = take('ssl.certificate.location');
  if (cert !== undefined) args.setDefault('--tls-cert', cert);
  const key = take('ssl.key.location');
  if (key !== undefined) args.setDefault('--tls-key', key);
  if (take('enable.ssl.certificate.verification')?.toLowerCase() === 'false') args.setDefault('--insecure-skip-verify', undefined);
  // An empty algorithm turns off only the host name check; kstream checks both or, when told, neither.
  take('ssl.endpoint.identification.algorithm');
}
