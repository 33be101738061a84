import type { LayerName } from '../vgg19.js';
import { WeightsError } from './errors.js';
import type { WeightEntry, WeightsManifest } from './manifest.js';

/** Where one conv layer's kernel and bias sit in the model, with channel counts already checked. */
export interface ConvPlan {
  readonly layer: LayerName;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: WeightEntry;
  readonly bias: WeightEntry;
}

/**
 * Finds the Keras weights of each layer and checks that they chain into a VGG19 conv stack:
 * kernel [3, 3, in, out], bias [out], RGB into the first layer, each layer fed by the one before.
 */
export function planConvLayers(manifest: WeightsManifest, layers: readonly LayerName[], modelPath: string): ConvPlan[] {
  function fail(problem: string): never {
    throw new WeightsError(
      'weights-corrupt',
      `${modelPath} does not describe a Keras VGG19 model easel can use: ${problem}. ` +
        'Check that EASEL_VGG19 points at a tfjs conversion of keras.applications.VGG19.',
    );
  }
  function find(name: string): WeightEntry {
    const entry = manifest.byName.get(name) ?? fail(`it has no weight "${name}"`);
    if (entry.dtype !== 'float32') fail(`weight "${name}" has dtype ${entry.dtype}, but only float32 is supported`);
    return entry;
  }

  let inChannels = 3;
  return layers.map((layer) => {
    const kernel = find(`${layer}/kernel`);
    const bias = find(`${layer}/bias`);
    const [height, width, kernelIn, outChannels, ...extra] = kernel.shape;
    if (height !== 3 || width !== 3 || kernelIn === undefined || !outChannels || extra.length > 0) {
      fail(`"${kernel.name}" has shape [${kernel.shape.join(', ')}] instead of [3, 3, in, out]`);
    }
    if (kernelIn !== inChannels) {
      fail(`"${kernel.name}" takes ${kernelIn} input channels, but the layer before it gives ${inChannels}`);
    }
    if (bias.shape.length !== 1 || bias.shape[0] !== outChannels) {
      fail(`"${bias.name}" has shape [${bias.shape.join(', ')}] instead of [${outChannels}]`);
    }
    const plan = { layer, inChannels, outChannels, kernel, bias };
    inChannels = outChannels;
    return plan;
  });
}
