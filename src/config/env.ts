import { UserError } from '../errors.js';

/** A setting an operator got wrong; the message names the variable or file and says what it should be. */
export class ConfigError extends UserError {
  constructor(message: string) {
    super('bad-config', message);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A variable's trimmed value; blank counts as unset. */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}
