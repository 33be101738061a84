import { layersUpTo, type LayerName } from '../vgg19.js';
import { planConvLayers } from './conv-plan.js';
import { decodeFloat32 } from './decode.js';
import { openDirectoryStore } from './directory-store.js';
import { WeightsError } from './errors.js';
import { parseManifest, type WeightEntry, type WeightsManifest } from './manifest.js';
import { readGroupEntries } from './shards.js';
import { POINT_EASEL_VGG19, type WeightsStore } from './store.js';
import type { ConvWeights, WeightsSource } from './types.js';
import { openUrlStore } from './url-store.js';

export interface LoadWeightsOptions {
  /** Used for http(s) sources; the global fetch by default. */
  readonly fetch?: typeof fetch;
  /** Cancels loading; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called after each file actually downloaded (not for cache hits or local files). */
  readonly onFetch?: (file: string, bytes: number) => void;
  /** Longest one file's download may take; two minutes by default. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Far above any real model.json; stops a wrong URL from filling memory. */
const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;

/**
 * Loads the conv weights of every VGG19 layer up to the deepest of `layers`, reading only the
 * shard files those weights are stored in. Throws WeightsError when they are missing, unreachable or corrupt.
 */
export async function loadConvWeights(
  source: WeightsSource,
  layers: readonly LayerName[],
  options: LoadWeightsOptions = {},
): Promise<Map<LayerName, ConvWeights>> {
  const weights = new Map<LayerName, ConvWeights>();
  if (layers.length === 0) return weights;
  const store = await openStore(source, options);
  const manifest = await readManifest(store);
  const plans = planConvLayers(manifest, layersUpTo(layers), store.describe(store.modelFile));

  const wanted = new Set(plans.flatMap((plan) => [plan.kernel, plan.bias]));
  const values = new Map<WeightEntry, Float32Array>();
  for (const group of manifest.groups) {
    const entries = group.entries.filter((entry) => wanted.has(entry));
    if (entries.length === 0) continue;
    options.signal?.throwIfAborted();
    for (const [entry, bytes] of await readGroupEntries(store, group, entries)) {
      values.set(entry, decodeFloat32(bytes, entry.storedAs));
    }
  }
  const valuesOf = (entry: WeightEntry): Float32Array => {
    const found = values.get(entry);
    if (found === undefined) throw new Error(`${entry.name} was planned but not read`);
    return found;
  };

  for (const { layer, inChannels, outChannels, kernel, bias } of plans) {
    weights.set(layer, { layer, inChannels, outChannels, kernel: valuesOf(kernel), bias: valuesOf(bias) });
  }
  return weights;
}

async function openStore(source: WeightsSource, options: LoadWeightsOptions): Promise<WeightsStore> {
  const location = source.location.trim();
  if (/^https?:\/\//i.test(location)) {
    return openUrlStore(modelUrl(location), {
      cacheDir: source.cacheDir,
      sha256: source.sha256,
      fetch: options.fetch ?? fetch,
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      onFetch: options.onFetch,
    });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new WeightsError(
      'weights-missing',
      `VGG19 weights cannot be loaded from "${location}". ${POINT_EASEL_VGG19}`,
    );
  }
  return openDirectoryStore(location, source.sha256);
}

/** A URL may name model.json itself or the folder that holds it. */
function modelUrl(location: string): URL {
  let url: URL;
  try {
    url = new URL(location);
  } catch (error) {
    throw new WeightsError('weights-missing', `"${location}" is not a valid URL. ${POINT_EASEL_VGG19}`, {
      cause: error,
    });
  }
  if (url.pathname.endsWith('.json')) return url;
  return new URL(url.pathname.endsWith('/') ? 'model.json' : `${url.pathname}/model.json`, url);
}

async function readManifest(store: WeightsStore): Promise<WeightsManifest> {
  let manifest: WeightsManifest | undefined;
  await store.read(store.modelFile, {
    length: { min: 0, max: MAX_MODEL_JSON_BYTES },
    check: (bytes) => {
      const parsed = parseManifest(bytes);
      if ('problem' in parsed) return parsed.problem;
      manifest = parsed.manifest;
      return undefined;
    },
  });
  if (manifest === undefined) throw new Error('model.json was read without being checked');
  return manifest;
}
