import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';

// ConfigError lives with the other error classes so modules outside src/config (the presets loader) can throw it
// without importing the config, which imports them; the config readers and their callers keep importing it from here.
export { ConfigError };

export type Env = Readonly<Record<string, string | undefined>>;

/** A variable's trimmed value; blank counts as unset. */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}

/** Comma-separated values, blanks dropped. */
export function list(env: Env, name: string): string[] {
  return (optional(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function url(env: Env, name: string, example: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  try {
    const parsed = new URL(raw);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return raw.replace(/\/+$/, '');
  } catch {
    // Reported below with the expected shape.
  }
  throw new ConfigError(`${name} must be an http(s) URL like ${example}; got "${raw}".`);
}

/** A path from the environment, relative to the repository root when not absolute. */
export function path(env: Env, name: string, root: string): string | undefined {
  const raw = optional(env, name);
  return raw === undefined ? undefined : resolve(root, raw);
}
