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
