import { existsSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EngineConfig } from '../engine/index.js';
import { DEFAULT_OPTIONS } from '../engine/options.js';
import { DEFAULT_VGG19_URL, KNOWN_SHA256 } from '../engine/weights/known-sources.js';
import type { Env } from './env.js';
import { loadSettings } from './load.js';
import { REPO_ROOT } from './paths.js';
import type { Settings } from './settings.js';

/**
 * engine.vgg19 (EASEL_VGG19): a directory or an http(s) URL of the VGG19 model.json. Unset, a ../shared checkout next
 * to the repository is used when present, and otherwise the public conversion is downloaded once into the cache.
 */
function weightsSource(vgg19: string | undefined, cacheDir: string): EngineConfig['weights'] {
  if (vgg19 !== undefined && /^https?:\/\//i.test(vgg19)) {
    return { location: vgg19, cacheDir, ...(vgg19 === DEFAULT_VGG19_URL ? { sha256: KNOWN_SHA256 } : {}) };
  }
  if (vgg19 !== undefined) return { location: resolve(vgg19), cacheDir };
  const shared = resolve(REPO_ROOT, '../shared/models/vgg19');
  if (existsSync(join(shared, 'model.json'))) return { location: shared, cacheDir };
  return { location: DEFAULT_VGG19_URL, cacheDir, sha256: KNOWN_SHA256 };
}

const DEFAULT_LAYERS = [DEFAULT_OPTIONS.contentLayer, ...DEFAULT_OPTIONS.styleLayers.map((s) => s.layer)];

/** The engine's settings; `layers` defaults to the layers of the default options. */
export function engineConfig(settings: Settings, layers = DEFAULT_LAYERS): EngineConfig & { readonly maxSide: number } {
  const { engine } = settings;
  return {
    weights: weightsSource(engine.vgg19, settings.cacheDir ?? join(homedir(), '.cache', 'easel')),
    backend: engine.backend,
    slots: engine.slots,
    threads: engine.threads ?? availableParallelism(),
    maxSide: settings.limits.maxSize,
    layers,
  };
}

/** The engine's settings alone, for the command line and the benchmarks. */
export function loadEngineConfig(env: Env, layers = DEFAULT_LAYERS): EngineConfig & { readonly maxSide: number } {
  return engineConfig(loadSettings(env), layers);
}
