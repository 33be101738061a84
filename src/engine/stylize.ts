import { JobAbortedError, OptionError, UserError } from '../errors.js';
import { resizeExact, resizeImage } from '../images/resize.js';
import { luminanceImage, restoreColors } from './color.js';
import { optimizers } from './optimizers/index.js';
import { toFloat, toRgb } from './pixels.js';
import { seededRandom } from './random.js';
import type { Runtime } from './runtimes/runtime.js';
import { fitDimensions, planScales, type Scale } from './scales.js';
import { StyleTargetCache } from './style-targets.js';
import type { LossParts, Progress, RgbImage, StylizeOptions, StylizeRequest, StylizeResult } from './types.js';

const PREVIEW_SIDE = 256;

export interface StylizeContext {
  readonly runtime: Runtime;
  readonly styleCache: StyleTargetCache;
  readonly onProgress?: (progress: Progress) => void;
  readonly signal?: AbortSignal;
}

/**
 * Gatys et al.: optimise the pixels of an image so its VGG19 features match the content image's and its
 * Gram matrices match the style images', scale by scale from coarse to fine.
 */
export async function stylize(request: StylizeRequest, ctx: StylizeContext): Promise<StylizeResult> {
  const { options } = request;
  const started = performance.now();
  checkRequest(request, ctx.runtime);
  const scales = planScales(request.content.width, request.content.height, options.size, options.iterations, options.scales);
  const clock = new IterationClock(scales, started);
  let image: Float32Array | undefined;
  let initial: LossParts | undefined;
  let final: LossParts | undefined;
  let done = 0;

  for (const [index, scale] of scales.entries()) {
    const content = await scaledContent(request, scale);
    const targets = await styleTargets(request, scale, content, ctx);
    const x = image ? await upsample(image, scales[index - 1]!, scale) : initialImage(content, options);
    const evaluator = await ctx.runtime.evaluator({
      width: scale.width,
      height: scale.height,
      contentLayer: options.contentLayer,
      contentTarget: await ctx.runtime.features({ width: scale.width, height: scale.height, data: toFloat(content) }, options.contentLayer),
      styleLayers: options.styleLayers,
      styleTargets: targets,
      weights: { content: options.contentWeight, style: options.styleWeight, tv: options.tvWeight },
    });
    try {
      const evaluations: LossParts[] = [];
      const optimizer = optimizers[options.optimizer](
        async (point) => {
          const { losses, gradient } = await evaluator.evaluate(point);
          evaluations.push(losses);
          return { value: losses.total, gradient };
        },
        { learningRate: options.learningRate },
      );
      for (let i = 0; i < scale.iterations; i++) {
        // Yield so an abort message posted to this worker is delivered between iterations.
        await new Promise(setImmediate);
        if (ctx.signal?.aborted) throw new JobAbortedError();
        const step = await optimizer.step(x);
        initial ??= evaluations[0];
        // The line search may try points it rejects; report the losses of the point it kept.
        final = evaluations.findLast((e) => e.total === step.value) ?? evaluations.at(-1);
        evaluations.length = 0;
        done++;
        clock.tick(index);
        if (ctx.onProgress && final) {
          const wantPreview = options.previewEvery > 0 && (done % options.previewEvery === 0 || done === options.iterations);
          ctx.onProgress({
            scale: index + 1,
            scales: scales.length,
            width: scale.width,
            height: scale.height,
            iteration: done,
            iterations: options.iterations,
            losses: final,
            elapsedMs: performance.now() - started,
            etaMs: clock.remainingMs(index, i + 1),
            ...(wantPreview ? { preview: await resizeImage(await render(x, scale, request, options), PREVIEW_SIDE) } : {}),
          });
        }
      }
    } finally {
      evaluator.dispose();
    }
    image = x;
  }

  const last = scales.at(-1)!;
  return {
    image: await render(image!, last, request, options),
    backend: ctx.runtime.name,
    iterations: done,
    ms: performance.now() - started,
    losses: { initial: initial!, final: final! },
  };
}

function checkRequest(request: StylizeRequest, runtime: Runtime): void {
  const { options, styles } = request;
  if (styles.length === 0) throw new UserError('no-style', 'I need at least one style image.');
  if (options.styleBlend.length !== 1 && options.styleBlend.length !== styles.length) {
    const problem = { given: options.styleBlend.join(','), help: 'one weight per style image' };
    throw new OptionError('styleBlend', { kind: 'count', expected: styles.length }, problem);
  }
  if (options.size > runtime.maxSide) {
    const help = 'the largest this server can paint';
    throw new OptionError('size', { kind: 'range', max: runtime.maxSide }, { given: options.size, help });
  }
}

/** The content image at this scale's size, as luminance when colours are preserved. */
async function scaledContent(request: StylizeRequest, scale: Scale): Promise<RgbImage> {
  const content = await resizeExact(request.content, scale.width, scale.height);
  return request.options.preserveColors ? luminanceImage(content) : content;
}

/** Blended Gram targets: Σ_k b_k · A_l^k with b normalised to sum to 1 (see losses.md). */
async function styleTargets(request: StylizeRequest, scale: Scale, content: RgbImage, ctx: StylizeContext): Promise<Float32Array[]> {
  const { options, styles } = request;
  const blend = styles.map((_, k) => options.styleBlend[k] ?? options.styleBlend[0]!);
  const blendSum = blend.reduce((a, b) => a + b, 0);
  const layers = options.styleLayers.map((s) => s.layer);
  const side = Math.round(Math.max(scale.width, scale.height) * options.styleScale);
  let blended: Float32Array[] | undefined;
  for (const [k, style] of styles.entries()) {
    const dims = fitDimensions(style.width, style.height, side);
    const sized = await resizeExact(style, dims.width, dims.height);
    const image = options.preserveColors ? luminanceImage(sized, content) : sized;
    const key = StyleTargetCache.key(image, layers, ctx.runtime.name);
    const grams = await ctx.styleCache.get(key, () => ctx.runtime.grams({ ...dims, data: toFloat(image) }, layers));
    const weight = blend[k]! / blendSum;
    blended ??= grams.map((g) => new Float32Array(g.length));
    grams.forEach((g, l) => {
      const target = blended![l]!;
      for (let i = 0; i < g.length; i++) target[i]! += weight * g[i]!;
    });
  }
  return blended!;
}

function initialImage(content: RgbImage, options: StylizeOptions): Float32Array {
  if (options.init === 'content') return toFloat(content);
  const random = seededRandom(options.seed);
  return Float32Array.from(content.data, () => random() * 255);
}

async function upsample(x: Float32Array, from: Scale, to: Scale): Promise<Float32Array> {
  return toFloat(await resizeExact(toRgb(x, from.width, from.height), to.width, to.height));
}

/** The current pixels as a picture, with the content's colours put back when they are preserved. */
async function render(x: Float32Array, scale: Scale, request: StylizeRequest, options: StylizeOptions): Promise<RgbImage> {
  const image = toRgb(x, scale.width, scale.height);
  if (!options.preserveColors) return image;
  return restoreColors(image, await resizeExact(request.content, scale.width, scale.height));
}

/** ETA from measured time per iteration, scaled by pixel count for the scales not yet reached. */
class IterationClock {
  private readonly msPerPixelIteration: number[] = [];
  private last: number;

  constructor(
    private readonly scales: readonly Scale[],
    started: number,
  ) {
    this.last = started;
  }

  tick(scaleIndex: number): void {
    const now = performance.now();
    const scale = this.scales[scaleIndex]!;
    const perPixel = (now - this.last) / (scale.width * scale.height);
    const previous = this.msPerPixelIteration[scaleIndex];
    // The first iteration at each scale includes set-up; smooth it out rather than trust it alone.
    this.msPerPixelIteration[scaleIndex] = previous === undefined ? perPixel : 0.7 * previous + 0.3 * perPixel;
    this.last = now;
  }

  remainingMs(scaleIndex: number, doneAtScale: number): number {
    const rate = this.msPerPixelIteration[scaleIndex]!;
    let ms = 0;
    this.scales.forEach((scale, k) => {
      const left = k < scaleIndex ? 0 : k === scaleIndex ? scale.iterations - doneAtScale : scale.iterations;
      ms += left * rate * scale.width * scale.height;
    });
    return ms;
  }
}
