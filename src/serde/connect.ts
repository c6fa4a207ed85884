// The registry a command talks to, from --schema-registry or the profile (see src/registry/client.ts).
import type { Context } from '../context.js';
import type { RegistryApi } from './registry-api.js';

export interface OpenRegistry {
  api: RegistryApi;
  /** The registry answered 404 (no such id, subject or version). */
  isNotFound: (err: unknown) => boolean;
}

export function openRegistry(_ctx: Context, _argv: object): OpenRegistry | undefined {
  return undefined;
}
