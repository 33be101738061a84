import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ConfigError, optional, type Env } from './env.js';
import { REPO_ROOT } from './paths.js';
import { RefusedValue } from './rules.js';
import { eachSetting, Setting, SETTINGS, type Settings, type SettingsTree } from './settings.js';

/**
 * Every setting's default but the secrets'; null where the default is to leave it unset. Spelled out in a join so that
 * the Dockerfile test sees the image needs config/.
 */
const DEFAULTS_PATH = join(REPO_ROOT, 'config/default.json');
export const DEFAULTS_FILE = relative(REPO_ROOT, DEFAULTS_PATH);
/** The variable naming an operator's own JSON file, laid out like DEFAULTS_FILE, with the values it changes. */
export const CONFIG_FILE_VARIABLE = 'EASEL_CONFIG';

export type JsonObject = { readonly [key: string]: unknown };

/** A file of settings, and how messages name it. */
interface Layer {
  readonly shown: string;
  readonly values: JsonObject;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses keys that are not settings, and secrets, so that a typo or a token in a file never goes unnoticed. */
function checkLayout(values: unknown, tree: SettingsTree, shown: string, prefix = ''): asserts values is JsonObject {
  const where = prefix === '' ? 'the file' : `"${prefix}"`;
  const names = Object.keys(tree).join(', ');
  if (!isObject(values)) throw new ConfigError(`${shown}: ${where} must be a JSON object with the keys ${names}.`);
  for (const [name, value] of Object.entries(values)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    const node = Object.hasOwn(tree, name) ? tree[name] : undefined;
    if (node === undefined) throw new ConfigError(`${shown}: there is no setting "${key}"; ${where} takes ${names}.`);
    if (!(node instanceof Setting)) checkLayout(value, node, shown, key);
    else if (node.secret) {
      const why = `is a secret and is read from ${node.env} only`;
      throw new ConfigError(`${shown}: "${key}" ${why}; remove it from the file.`);
    }
  }
}

/** Reads and checks a file of settings; `file` is absolute, `shown` names it in messages. */
function readLayer(file: string, shown: string, what: string): Layer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new ConfigError(`${what} ${shown} ${reason}.`);
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${what} ${shown} is not valid JSON: ${(error as Error).message}.`);
  }
  checkLayout(values, SETTINGS, shown);
  return { shown, values };
}

/** The defaults file's values, checked for layout. */
export function readDefaults(): JsonObject {
  return readLayer(DEFAULTS_PATH, DEFAULTS_FILE, 'The defaults file').values;
}

/** The value at a dotted key, or undefined when the file does not have the key. */
export function valueAt(values: JsonObject, key: string): { readonly value: unknown } | undefined {
  let node: unknown = values;
  for (const part of key.split('.')) {
    if (!isObject(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return { value: node };
}

function read(parse: () => unknown, names: string, allowed: string): unknown {
  try {
    return parse();
  } catch (error) {
    if (error instanceof RefusedValue) throw new ConfigError(`${names} must be ${allowed}; ${error.detail}.`);
    throw error;
  }
}

/** The variable if set, else the top-most file that has the key; undefined where it may be left unset. */
function readSetting(key: string, setting: Setting<unknown>, env: Env, layers: readonly Layer[]): unknown {
  const { rule } = setting;
  const text = optional(env, setting.env);
  if (text !== undefined) return read(() => rule.fromText(text), `${setting.env} (${key})`, rule.allowed);
  if (setting.secret) return undefined;
  for (const layer of [...layers].reverse()) {
    const found = valueAt(layer.values, key);
    if (found === undefined) continue;
    if (found.value === null && setting.unset !== undefined) return undefined;
    const names = `${key} (${setting.env}) in ${layer.shown}`;
    return read(() => rule.fromJson(found.value), names, rule.allowedInFile ?? rule.allowed);
  }
  if (setting.unset !== undefined) return undefined;
  throw new ConfigError(`${key} (${setting.env}) is not set, and ${DEFAULTS_FILE} must give it a default.`);
}

function place(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  const last = parts.pop() as string;
  let node = target;
  for (const part of parts) node = (node[part] ??= {}) as Record<string, unknown>;
  node[last] = value;
}

/**
 * Reads every setting: config/default.json, then the file EASEL_CONFIG names (if any), then the environment, each
 * overriding the one before; a blank variable counts as unset. Throws a one-line ConfigError naming the variable,
 * the key and, for a file's value, the file.
 */
export function loadSettings(env: Env): Settings {
  const layers = [{ shown: DEFAULTS_FILE, values: readDefaults() }];
  const operatorFile = optional(env, CONFIG_FILE_VARIABLE);
  if (operatorFile !== undefined) {
    const file = resolve(REPO_ROOT, operatorFile);
    layers.push(readLayer(file, operatorFile, `${CONFIG_FILE_VARIABLE}'s file`));
  }
  const settings: Record<string, unknown> = {};
  for (const [key, setting] of eachSetting()) place(settings, key, readSetting(key, setting, env, layers));
  // Each value was read by its setting's rule, which is what gives the setting its type in Settings.
  return settings as Settings;
}
