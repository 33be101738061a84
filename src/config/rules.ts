import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { REPO_ROOT } from './paths.js';

/**
 * A value a rule refuses. `detail` ends the message: `got "abc"`, or `"art" is not one` for a list's item.
 * The loader turns it into a ConfigError that names the variable, the key and the file.
 */
export class RefusedValue extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'RefusedValue';
  }
}

/** How one setting's value is read: from an environment variable's text, or from a JSON file's value. */
export interface Rule<T> {
  /** Completes "… must be": "a whole number from 1 to 100". */
  readonly allowed: string;
  /** The same for a JSON file, where it differs (lists are arrays there). */
  readonly allowedInFile?: string;
  /** Reads a variable's text, trimmed and never blank. */
  fromText(text: string): T;
  /** Reads a JSON value, never null. */
  fromJson(value: unknown): T;
}

function got(value: unknown): RefusedValue {
  return new RefusedValue(`got ${typeof value === 'string' ? `"${value}"` : JSON.stringify(value)}`);
}

/** A rule over text, the same in a file (as a JSON string) as in the environment. */
function textRule<T>(allowed: string, read: (text: string) => T | undefined): Rule<T> {
  const fromText = (text: string): T => {
    const value = read(text);
    if (value === undefined) throw got(text);
    return value;
  };
  return {
    allowed,
    fromText,
    fromJson: (value) => {
      if (typeof value !== 'string' || value.trim() === '') throw got(value);
      return fromText(value.trim());
    },
  };
}

export function integer(min: number, max: number): Rule<number> {
  const check = (value: number, shown: unknown): number => {
    if (!Number.isInteger(value) || value < min || value > max) throw got(shown);
    return value;
  };
  return {
    allowed: `a whole number from ${min} to ${max}`,
    fromText: (text) => check(Number(text), text),
    fromJson: (value) => check(typeof value === 'number' ? value : Number.NaN, value),
  };
}

export function oneOf<T extends string>(choices: readonly T[], options: { ignoreCase?: boolean } = {}): Rule<T> {
  const isChoice = (text: string): text is T => (choices as readonly string[]).includes(text);
  return textRule(`one of ${choices.join(', ')}`, (text) => {
    const value = options.ignoreCase ? text.toLowerCase() : text;
    return isChoice(value) ? value : undefined;
  });
}

/** Any text, e.g. a token or a location whose kind is told apart later; `allowed` says what is expected. */
export function text(allowed: string): Rule<string> {
  return textRule(allowed, (value) => value);
}

/** A path; a relative one is taken from the repository root, wherever it was given. */
export function path(): Rule<string> {
  return textRule('a path', (value) => resolve(REPO_ROOT, value));
}

/** A folder or an http(s) URL: a URL as given, anything else a path taken from the repository root like path()'s. */
export function pathOrUrl(): Rule<string> {
  return textRule('a path or an http(s) URL', (value) => {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return resolve(REPO_ROOT, value);
    return /^https?:\/\//i.test(value) && URL.canParse(value) ? value : undefined;
  });
}

/** An http(s) URL, returned without trailing slashes. */
export function httpUrl(example: string): Rule<string> {
  return textRule(`an http(s) URL like ${example}`, (value) => {
    if (!URL.canParse(value)) return undefined;
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:' ? value.replace(/\/+$/, '') : undefined;
  });
}

const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

export function host(): Rule<string> {
  return textRule('an IP address or a host name, like 127.0.0.1 or 0.0.0.0', (value) =>
    isIP(value) !== 0 || HOSTNAME.test(value) ? value : undefined,
  );
}

/** Text matching `shape`; `allowed` describes it. */
export function matching(shape: RegExp, allowed: string): Rule<string> {
  return textRule(allowed, (value) => (shape.test(value) ? value : undefined));
}

/**
 * Items matching `item`'s shape: separated by commas in the environment (blanks dropped), a JSON array in a file.
 * `items` names them in the plural, e.g. "channel ids like C0123ABCD".
 */
export function list(shape: RegExp, items: string): Rule<readonly string[]> {
  const check = (values: readonly string[]): readonly string[] => {
    const bad = values.find((value) => !shape.test(value));
    if (bad !== undefined) throw new RefusedValue(`"${bad}" is not one`);
    return values;
  };
  return {
    allowed: `${items}, separated by commas`,
    allowedInFile: `a list of ${items}`,
    fromText: (value) =>
      check(
        value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      ),
    fromJson: (value) => {
      if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) throw got(value);
      return check(value.map((item) => item.trim()));
    },
  };
}
