import { JobAbortedError, OptionError, UserError } from '../errors.js';
import { resizeExact, resizeImage } from '../images/resize.js';
import { luminanceImage, restoreColors } from './color.js';
import { clampedEvaluator } from './clamped-evaluator.js';
import { fractionDone, jobCost } from './cost.js';
import { optimizers } from './optimizers/index.js';
import { toFloat, toRgb } from './pixels.js';
import { pyramidPreconditioner } from './preconditioner.js';
import { seededRandom } from './random.js';
import type { Runtime } from './runtimes/runtime.js';
import { fitDimensions, styleSide, type Scale } from './scales.js';
import { StyleTargetCache } from './style-targets.js';
import type { LossParts, Progress, RgbImage, StylizeOptions, StylizeRequest, StylizeResult } from './types.js';

const PREVIEW_SIDE = 256;

export interface StylizeContext {
  readonly runtime: Runtime;
  /**
   * The operator's cap on the longest side (EngineConfig.maxSide), within the runtime's own; it bounds the style
   * images as well as the output, so what the engine reports as its largest side is what it scales anything to.
   */
  readonly maxSide?: number;
  readonly styleCache: StyleTargetCache;
  readonly onProgress?: (progress: Progress) => void;
  /** Least time between two previews; undefined or 0: no previews, and none is ever rendered. */
  readonly previewIntervalMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Gatys et al.: optimise the pixels of an image so its VGG19 features match the content image's and its
 * Gram matrices match the style images', scale by scale from coarse to fine.
 */
export async function stylize(request: StylizeRequest, ctx: StylizeContext): Promise<StylizeResult> {
  const { options } = request;
  const started = performance.now();
  const maxSide = largestSide(ctx);
  checkRequest(request, maxSide);
  const { width, height } = request.content;
  const cost = jobCost(width, height, options, { styles: request.styles, maxSide });
  const scales = cost.perScale;
  const previews = new PreviewClock(ctx.previewIntervalMs, started);
  let image: Float32Array | undefined;
  let initial: LossParts | undefined;
  let final: LossParts | undefined;
  let ran = 0;
  let scheduled = 0;

  for (const [index, scale] of scales.entries()) {
    const content = await scaledContent(request, scale);
    const targets = await styleTargets(request, scale, content, ctx);
    const x = image ? await upsample(image, scales[index - 1]!, scale) : initialImage(content, options);
    const evaluator = clampedEvaluator(
      await ctx.runtime.evaluator({
        width: scale.width,
        height: scale.height,
        contentLayer: options.contentLayer,
        contentTarget: await ctx.runtime.features(
          { width: scale.width, height: scale.height, data: toFloat(content) },
          options.contentLayer,
        ),
        styleLayers: options.styleLayers,
        styleTargets: targets,
        weights: { content: options.contentWeight, style: options.styleWeight, tv: options.tvWeight },
      }),
    );
    try {
      const optimizer = optimizers[options.optimizer]<LossParts>(
        async (point) => {
          const { losses, gradient } = await evaluator.evaluate(point);
          // Every optimizer evaluates its starting point first: the first call of all is the job's starting image.
          initial ??= losses;
          return { value: losses.total, gradient, detail: losses };
        },
        { learningRate: options.learningRate, preconditioner: pyramidPreconditioner(scale.width, scale.height) },
      );
      for (let i = 1; i <= scale.iterations; i++) {
        // Yield so an abort message posted to this worker is delivered between iterations.
        await new Promise(setImmediate);
        if (ctx.signal?.aborted) throw new JobAbortedError();
        const step = await optimizer.step(x);
        ran++;
        final = step.detail;
        // A converged optimizer would leave x as it is for the rest of this scale: skip to the next.
        const done = step.converged ? scale.iterations : i;
        if (ctx.onProgress) {
          const fraction = fractionDone(cost, index, done);
          const now = performance.now();
          ctx.onProgress({
            scale: index + 1,
            scales: scales.length,
            width: scale.width,
            height: scale.height,
            iteration: scheduled + done,
            iterations: options.iterations,
            fraction,
            losses: final,
            elapsedMs: now - started,
            etaMs: ((now - started) * (1 - fraction)) / fraction,
            ...(previews.due(now) ? { preview: await preview(x, scale, request) } : {}),
          });
        }
        if (step.converged) break;
      }
    } finally {
      evaluator.dispose();
    }
    scheduled += scale.iterations;
    image = x;
  }

  const last = scales.at(-1)!;
  return {
    image: await render(image!, last, request, options),
    backend: ctx.runtime.name,
    iterations: ran,
    ms: performance.now() - started,
    // Both are set: every scale runs at least one step, and every step evaluates or keeps an evaluated point.
    losses: { initial: initial!, final: final! },
  };
}

function largestSide(ctx: StylizeContext): number {
  return Math.min(ctx.runtime.maxSide, ctx.maxSide ?? Infinity);
}

function checkRequest(request: StylizeRequest, maxSide: number): void {
  const { options, styles } = request;
  if (styles.length === 0) throw new UserError('no-style', 'I need at least one style image.');
  if (options.styleBlend.length !== 1 && options.styleBlend.length !== styles.length) {
    const problem = { given: options.styleBlend.join(','), help: 'one weight per style image' };
    throw new OptionError('styleBlend', { kind: 'count', expected: styles.length }, problem);
  }
  if (options.size > maxSide) {
    const help = 'the largest this server can paint';
    throw new OptionError('size', { kind: 'range', max: maxSide }, { given: options.size, help });
  }
}

/** The content image at this scale's size, as luminance when colours are preserved. */
async function scaledContent(request: StylizeRequest, scale: Scale): Promise<RgbImage> {
  const content = await resizeExact(request.content, scale.width, scale.height);
  return request.options.preserveColors ? luminanceImage(content) : content;
}

/** Blended Gram targets: Σ_k b_k · A_l^k with b normalised to sum to 1 (see losses.md). */
async function styleTargets(
  request: StylizeRequest,
  scale: Scale,
  content: RgbImage,
  ctx: StylizeContext,
): Promise<Float32Array[]> {
  const { options, styles } = request;
  const blend = styles.map((_, k) => options.styleBlend[k] ?? options.styleBlend[0]!);
  const blendSum = blend.reduce((a, b) => a + b, 0);
  const layers = options.styleLayers.map((s) => s.layer);
  const side = styleSide(Math.max(scale.width, scale.height), options.size, options.styleScale, largestSide(ctx));
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
async function render(
  x: Float32Array,
  scale: Scale,
  request: StylizeRequest,
  options: StylizeOptions,
): Promise<RgbImage> {
  const image = toRgb(x, scale.width, scale.height);
  if (!options.preserveColors) return image;
  return restoreColors(image, await resizeExact(request.content, scale.width, scale.height));
}

async function preview(x: Float32Array, scale: Scale, request: StylizeRequest): Promise<RgbImage> {
  return resizeImage(await render(x, scale, request, request.options), PREVIEW_SIDE);
}

/** Says when a preview is due: never if none was asked for, else once `intervalMs` has passed since the last. */
class PreviewClock {
  constructor(
    private readonly intervalMs: number | undefined,
    private last: number,
  ) {}

  due(now: number): boolean {
    if (!this.intervalMs || this.intervalMs <= 0 || now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }
}
