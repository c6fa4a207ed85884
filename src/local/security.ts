import { UsageError } from '../errors.js';
import type { TlsFiles } from './tls.js';

/** A listener besides PLAINTEXT and CONTROLLER; its name is also its security protocol. */
export interface ExtraListener {
  name: 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL';
  port: number;
}

export interface SaslUser {
  name: string;
  password: string;
}

export const DEFAULT_SASL_USER: SaslUser = { name: 'kstream', password: 'kstream-secret' };
export const LOCAL_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
const SCRAM = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** `NAME:PASSWORD`; both are kept to safe characters because they go into JAAS and --add-scram syntax unquoted. */
export function parseSaslUser(text: string): SaslUser {
  const match = /^([A-Za-z0-9._-]+):([A-Za-z0-9._~+-]+)$/.exec(text);
  if (!match) {
    throw new UsageError(`--sasl-user expects NAME:PASSWORD of letters, digits and . _ - (got '${text.split(':')[0]}:…')`);
  }
  return { name: match[1]!, password: match[2]! };
}

/** Broker properties of a SASL listener (SASL_PLAINTEXT, or SASL_SSL) offering PLAIN and both SCRAMs. */
export function saslProperties(users: SaslUser[], listener = 'sasl_plaintext'): Record<string, string> {
  const prefix = `listener.name.${listener}`;
  const plainUsers = users.map((u) => `user_${u.name}="${u.password}"`).join(' ');
  return {
    'sasl.enabled.mechanisms': LOCAL_SASL_MECHANISMS.join(','),
    [`${prefix}.sasl.enabled.mechanisms`]: LOCAL_SASL_MECHANISMS.join(','),
    // PLAIN users live in the JAAS config, so they follow --sasl-user at every start.
    [`${prefix}.plain.sasl.jaas.config`]: `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    [`${prefix}.scram-sha-256.sasl.jaas.config`]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    [`${prefix}.scram-sha-512.sasl.jaas.config`]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  };
}

/**
 * `kafka-storage format` arguments that create the SCRAM users. KRaft keeps SCRAM credentials in the
 * cluster metadata, so these apply only when the storage is formatted: the first start of a data dir.
 */
export function scramFormatArgs(users: SaslUser[]): string[] {
  return users.flatMap((u) => SCRAM.flatMap((m) => ['--add-scram', `${m}=[name=${u.name},password=${u.password}]`]));
}

/** Broker properties of a TLS listener (SSL, or SASL_SSL); client certificates are checked when presented (mutual TLS optional). */
export function tlsProperties(files: TlsFiles, listener = 'ssl'): Record<string, string> {
  const prefix = `listener.name.${listener}`;
  return {
    [`${prefix}.ssl.keystore.type`]: 'PKCS12',
    [`${prefix}.ssl.keystore.location`]: files.keystore,
    [`${prefix}.ssl.keystore.password`]: files.password,
    [`${prefix}.ssl.key.password`]: files.password,
    [`${prefix}.ssl.truststore.type`]: 'PEM',
    [`${prefix}.ssl.truststore.location`]: files.ca,
    [`${prefix}.ssl.client.auth`]: 'requested',
  };
}

/**
 * KRaft's own authorizer, refusing whatever no ACL allows. The super users are the admin SASL user
 * and User:ANONYMOUS: the principal of the PLAINTEXT and CONTROLLER listeners, which the broker and
 * the controller use to talk to each other (and which therefore stays unrestricted on this lab broker).
 */
export function authorizerProperties(admin: SaslUser): Record<string, string> {
  return {
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:ANONYMOUS;User:${admin.name}`,
    'allow.everyone.if.no.acl.found': 'false',
  };
}

export interface SecurityRequest {
  dataDir: string;
  sasl: boolean;
  /** With SASL: run StandardAuthorizer, DEFAULT_SASL_USER being a super user. */
  authorizer?: boolean;
  saslPort?: number;
  users: SaslUser[];
  tls: boolean;
  tlsPort?: number;
  /** With both SASL and TLS: the port of the SASL_SSL listener (SASL over TLS). */
  saslSslPort?: number;
}

/** Everything `startBroker` needs for the requested listeners; makes the TLS files on first use. */
export async function planSecurity(req: SecurityRequest, freePort: () => Promise<number>, tlsFiles: (dataDir: string) => TlsFiles) {
  const extraListeners: ExtraListener[] = [];
  const extraProperties: Record<string, string> = {};
  const formatArgs: string[] = [];
  const security: Record<string, unknown> = {};
  if (req.authorizer && !req.sasl) throw new UsageError('--authorizer needs --sasl', { hint: 'ACLs are granted to SASL users: add --sasl' });
  if (req.sasl) {
    extraListeners.push({ name: 'SASL_PLAINTEXT', port: req.saslPort ?? (await freePort()) });
    Object.assign(extraProperties, saslProperties(req.users));
    formatArgs.push(...scramFormatArgs(req.users));
    Object.assign(security, { saslMechanisms: LOCAL_SASL_MECHANISMS, saslUsers: req.users.map((u) => u.name) });
    if (req.authorizer) {
      Object.assign(extraProperties, authorizerProperties(DEFAULT_SASL_USER));
      Object.assign(security, { superUsers: [DEFAULT_SASL_USER.name] });
    }
  }
  if (req.tls) {
    const files = tlsFiles(req.dataDir);
    extraListeners.push({ name: 'SSL', port: req.tlsPort ?? (await freePort()) });
    Object.assign(extraProperties, tlsProperties(files));
    Object.assign(security, { tlsCa: files.ca, tlsClientCert: files.clientCert, tlsClientKey: files.clientKey });
    if (req.sasl) {
      extraListeners.push({ name: 'SASL_SSL', port: req.saslSslPort ?? (await freePort()) });
      Object.assign(extraProperties, saslProperties(req.users, 'sasl_ssl'), tlsProperties(files, 'sasl_ssl'));
    }
  }
  return { extraListeners, extraProperties, formatArgs, security };
}
