import { existsSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EngineConfig } from '../engine/index.js';
import { DEFAULT_OPTIONS } from '../engine/options.js';
import { isRuntimeName, RUNTIME_NAMES } from '../engine/runtimes/index.js';
import { DEFAULT_VGG19_URL, KNOWN_SHA256 } from '../engine/weights/known-sources.js';
import { ConfigError, integer, optional, path, type Env } from './env.js';
import { REPO_ROOT } from './paths.js';

/**
 * EASEL_VGG19: a directory or an http(s) URL of the VGG19 model.json. Unset, a ../shared checkout next to the
 * repository is used when present, and otherwise the public conversion is downloaded once into the cache.
 */
function weightsSource(env: Env): EngineConfig['weights'] {
  const cacheDir = path(env, 'EASEL_CACHE_DIR', REPO_ROOT) ?? join(homedir(), '.cache', 'easel');
  const raw = optional(env, 'EASEL_VGG19');
  if (raw !== undefined && /^https?:\/\//i.test(raw)) return { location: raw, cacheDir, ...(raw === DEFAULT_VGG19_URL ? { sha256: KNOWN_SHA256 } : {}) };
  if (raw !== undefined) return { location: resolve(raw), cacheDir };
  const shared = resolve(REPO_ROOT, '../shared/models/vgg19');
  if (existsSync(join(shared, 'model.json'))) return { location: shared, cacheDir };
  return { location: DEFAULT_VGG19_URL, cacheDir, sha256: KNOWN_SHA256 };
}

function backend(env: Env): EngineConfig['backend'] {
  const name = optional(env, 'EASEL_BACKEND');
  if (name === undefined) return undefined;
  if (!isRuntimeName(name)) throw new ConfigError(`EASEL_BACKEND must be one of ${RUNTIME_NAMES.join(', ')}; got "${name}".`);
  return name;
}

/** Default cap on the output's longest side (EASEL_MAX_SIZE). */
export const MAX_SIZE = 1024;

/** Engine settings from the environment; `layers` defaults to the layers of the default options. */
export function loadEngineConfig(env: Env, layers = [DEFAULT_OPTIONS.contentLayer, ...DEFAULT_OPTIONS.styleLayers.map((s) => s.layer)]): EngineConfig & { readonly maxSide: number } {
  return {
    weights: weightsSource(env),
    backend: backend(env),
    slots: integer(env, 'EASEL_SLOTS', 1, 1, 16),
    threads: integer(env, 'EASEL_THREADS', availableParallelism(), 1, 256),
    maxSide: integer(env, 'EASEL_MAX_SIZE', MAX_SIZE, 32, 8192),
    layers,
  };
}
