import type { Context } from '../context.js';
import { profileFor } from '../config/profile.js';
import { parseTimeout } from '../connection.js';
import { RegistryClient } from './client.js';
import { LOCAL_REGISTRY_URL, resolveRegistry, type RegistryArgs } from './settings.js';

/**
 * The registry client the flags, environment and profile describe, or undefined when none names a
 * registry (consume then leaves bytes alone). --timeout bounds every request.
 */
export function registryFrom(ctx: Context, argv: RegistryArgs & { profile?: string; timeout?: string }): RegistryClient | undefined {
  const selected = profileFor(ctx, argv.profile);
  const conn = resolveRegistry(argv, ctx.io.env, selected?.profile.schemaRegistry, parseTimeout(argv.timeout ?? '10s'));
  return conn && new RegistryClient(conn);
}

/** For `kstream registry`: as registryFrom, with the registry of `kstream local start --schema-registry` by default. */
export function registryOrLocal(ctx: Context, argv: RegistryArgs & { profile?: string; timeout?: string }): RegistryClient {
  return registryFrom(ctx, argv) ?? registryFrom(ctx, { ...argv, schemaRegistry: LOCAL_REGISTRY_URL })!;
}
