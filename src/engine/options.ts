import type { StyleLayer, StylizeOptions } from './types.js';

/**
 * Defaults, measured with `npm run bench -- --quality` and checked by eye with `npm run gallery` on
 * ../shared/images at 256 and 512 px; each value's reason is in losses.md, "Defaults".
 * Style layers follow Gatys et al.: conv1_1 … conv5_1, content at conv4_2.
 */
export const DEFAULT_STYLE_LAYERS: readonly StyleLayer[] = [
  { layer: 'block1_conv1', weight: 0.2 },
  { layer: 'block2_conv1', weight: 0.2 },
  { layer: 'block3_conv1', weight: 0.2 },
  { layer: 'block4_conv1', weight: 0.2 },
  { layer: 'block5_conv1', weight: 0.2 },
];

export const DEFAULT_OPTIONS: StylizeOptions = {
  size: 512,
  iterations: 80,
  optimizer: 'lbfgs',
  contentWeight: 1,
  styleWeight: 3,
  tvWeight: 0,
  styleBlend: [1],
  styleScale: 1,
  init: 'content',
  seed: 0,
  preserveColors: false,
  scales: 0,
  contentLayer: 'block4_conv2',
  styleLayers: DEFAULT_STYLE_LAYERS,
  learningRate: 4,
};
