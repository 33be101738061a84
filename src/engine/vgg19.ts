/** The conv stack of VGG19 (Keras `include_top=False`): five blocks, each a run of 3×3 convs closed by a 2×2 max-pool. */
export const VGG19_BLOCKS = [2, 2, 4, 4, 4] as const;

export type LayerName = `block${1 | 2 | 3 | 4 | 5}_conv${1 | 2 | 3 | 4}`;

/** Every conv layer in forward order, e.g. block1_conv1 … block5_conv4. */
export const VGG19_LAYERS: readonly LayerName[] = VGG19_BLOCKS.flatMap((convs, b) =>
  Array.from({ length: convs }, (_, c) => `block${b + 1}_conv${c + 1}` as LayerName),
);

export function isLayerName(name: string): name is LayerName {
  return (VGG19_LAYERS as readonly string[]).includes(name);
}

/** Position of a layer in forward order; deeper layers have larger indices. */
export function layerIndex(name: LayerName): number {
  return VGG19_LAYERS.indexOf(name);
}

/** The layers that must be computed to reach all of `layers`, in forward order. */
export function layersUpTo(layers: readonly LayerName[]): LayerName[] {
  const deepest = Math.max(...layers.map(layerIndex));
  return VGG19_LAYERS.slice(0, deepest + 1);
}

/** Keras "caffe" preprocessing mean, in BGR order. */
export const IMAGENET_BGR_MEAN = [103.939, 116.779, 123.68] as const;

/** Spatial size of a layer's activations for a width × height input: each earlier block's pool halves it, flooring. */
export function featureSize(layer: LayerName, width: number, height: number): { width: number; height: number } {
  const block = Number(layer[5]);
  let w = width;
  let h = height;
  for (let b = 1; b < block; b++) {
    w = Math.floor(w / 2);
    h = Math.floor(h / 2);
  }
  return { width: w, height: h };
}
