import { fitDimensions, planScales, styleSide } from './scales.js';
import type { StylizeOptions } from './types.js';

/**
 * What a job costs, in cost units: one unit is one loss evaluation (VGG19 forward and backward) at one pixel. Time per
 * unit is about constant for one runtime on one machine, so "ms per cost unit" measured on one job predicts another of
 * any size, scale count or style size. Progress.fraction is the share of these units done.
 */

/** Content features at one pixel, relative to an evaluation: measured 0.2 (tfjs wasm) to 0.3 (ONNX) of one. */
const CONTENT_FEATURES_COST = 0.3;
/** Style Gram matrices at one style pixel, relative to an evaluation: measured 0.3 (tfjs wasm) to 0.45 (ONNX). */
const STYLE_GRAMS_COST = 0.4;
/** Each scale starts a new optimizer, which evaluates its starting point once before its first step. */
const START_EVALUATIONS = 1;

export interface Dimensions {
  readonly width: number;
  readonly height: number;
}

export interface ScaleCost extends Dimensions {
  readonly iterations: number;
  /** Before the first iteration: content features, the style images' Grams and the start point's evaluation. */
  readonly setup: number;
  readonly perIteration: number;
  /** setup + iterations × perIteration. */
  readonly total: number;
}

export interface JobCost {
  readonly total: number;
  readonly perScale: readonly ScaleCost[];
}

export type CostOptions = Pick<StylizeOptions, 'size' | 'iterations' | 'scales' | 'styleScale'>;

export interface CostContext {
  /** The style images' sizes; by default one style image of the content's shape. */
  readonly styles?: readonly Dimensions[];
  /** The engine's largest side, which caps the style images' size (see styleSide); no cap by default. */
  readonly maxSide?: number;
}

/** The cost of a job, scale by scale, from the same schedule stylize() runs. */
export function jobCost(
  contentWidth: number,
  contentHeight: number,
  options: CostOptions,
  context: CostContext = {},
): JobCost {
  const styles = context.styles ?? [{ width: contentWidth, height: contentHeight }];
  const maxSide = context.maxSide ?? Infinity;
  const scales = planScales(contentWidth, contentHeight, options.size, options.iterations, options.scales);
  let total = 0;
  const perScale = scales.map((scale): ScaleCost => {
    const pixels = scale.width * scale.height;
    const side = styleSide(Math.max(scale.width, scale.height), options.size, options.styleScale, maxSide);
    const stylePixels = styles.reduce((sum, style) => {
      const dims = fitDimensions(style.width, style.height, side);
      return sum + dims.width * dims.height;
    }, 0);
    const setup = pixels * (START_EVALUATIONS + CONTENT_FEATURES_COST) + stylePixels * STYLE_GRAMS_COST;
    const cost = { ...scale, setup, perIteration: pixels, total: setup + scale.iterations * pixels };
    total += cost.total;
    return cost;
  });
  return { total, perScale };
}

/**
 * The share of the job done once scale `index` has run `iterations` of its iterations (its set-up included). Never
 * decreases as the job goes on, and is exactly 1 once the last scale's iterations are all done.
 */
export function fractionDone(cost: JobCost, index: number, iterations: number): number {
  let before = 0;
  for (let k = 0; k < index; k++) before += cost.perScale[k]!.total;
  const scale = cost.perScale[index]!;
  // The same sums as jobCost's total, in the same order, so the end of the last scale is 1 and not 0.9999…
  const done =
    iterations >= scale.iterations ? before + scale.total : before + scale.setup + iterations * scale.perIteration;
  return Math.min(1, done / cost.total);
}
