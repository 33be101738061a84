import type { Logger } from 'pino';
import type { Config } from './config/index.js';
import { startFeedForwardEngine, type FeedForwardEngine } from './engine/feedforward/index.js';
import { startEngine, type StyleEngine } from './engine/index.js';
import type { LayerName } from './engine/vgg19.js';
import { ensureNetworks, ensureWeights } from './first-run/index.js';
import type { PresetCatalog } from './jobs/presets.js';
import type { EaselMetrics } from './ops/index.js';

/**
 * Starting the engines, the same for `npm start` in one process and for `easel worker` in the scale-out mode.
 */

/** Every layer any job can use; users cannot choose layers, so the defaults and presets' paintings name them all. */
function layersInUse(presets: PresetCatalog): LayerName[] {
  const paintings = presets.list().flatMap((preset) => (preset.painting ? [preset.painting.base] : []));
  const settings = [presets.defaults, ...paintings];
  return [
    ...new Set(settings.flatMap((options) => [options.contentLayer, ...options.styleLayers.map((s) => s.layer)])),
  ];
}

/** The Gatys engine, with the weights of every layer in use; on a fresh machine they download first. */
export async function startGatysEngine(
  config: Config,
  presets: PresetCatalog,
  logger: Logger,
  metrics: EaselMetrics,
): Promise<StyleEngine> {
  const layers = layersInUse(presets);
  await ensureWeights(config.engine.weights, layers);
  return startEngine({ ...config.engine, layers }, logger, { onWorkerRestart: () => metrics.workerRestarted() });
}

/**
 * The feed-forward engine; the presets' networks (downloaded first on a fresh machine) are loaded before the first
 * reaction can ask for one.
 */
export async function startNetworkEngine(
  config: Config,
  presets: PresetCatalog,
  logger: Logger,
): Promise<FeedForwardEngine> {
  await ensureNetworks(config.presets, presets.networks());
  return startFeedForwardEngine(
    {
      assets: config.presets.assets,
      backend: config.engine.backend,
      threads: config.engine.threads,
      maxSide: config.limits.options.maxSize,
      preload: presets.networks(),
    },
    logger,
  );
}
