import { createHash } from 'node:crypto';
import type { RgbImage } from './types.js';
import type { LayerName } from './vgg19.js';

/**
 * Gram targets by style-image content, size and layers, so repeated styles (presets) cost no VGG pass.
 * Bounded by bytes; the least recently used entries go first.
 */
export class StyleTargetCache {
  private readonly entries = new Map<string, Float32Array[]>();
  private bytes = 0;

  constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

  static key(image: RgbImage, layers: readonly LayerName[], variant: string): string {
    const hash = createHash('sha256').update(image.data).digest('hex');
    return `${hash}:${image.width}x${image.height}:${layers.join(',')}:${variant}`;
  }

  async get(key: string, compute: () => Promise<Float32Array[]>): Promise<Float32Array[]> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const grams = await compute();
    const size = grams.reduce((sum, g) => sum + g.byteLength, 0);
    if (size > this.maxBytes) return grams;
    this.entries.set(key, grams);
    this.bytes += size;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= value.reduce((sum, g) => sum + g.byteLength, 0);
    }
    return grams;
  }
}
