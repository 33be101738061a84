/** Coarse-to-fine schedule: optimise small first, then upsample the result to start the next, larger scale. */
export interface Scale {
  readonly width: number;
  readonly height: number;
  readonly iterations: number;
}

/** The coarsest scale's longest side when the schedule is automatic. */
const COARSEST_SIDE = 128;
const MAX_SCALES = 4;
/** VGG19's four pools need at least 16 px to leave block5 one pixel. */
const MIN_SIDE = 16;
/**
 * Share of the iterations spent at the final scale. The coarse scales lay out the big strokes in a few cheap steps;
 * the result is judged at the final size, where an upsampled coarse picture starts far from the photo's detail
 * (content distance ~0.9 on tubingen at 256 px), so most steps belong there. On the quality bench, moving the
 * share from 0.3 to 0.88 at 85 iterations took tubingen × starry night at 256 px from content 0.35 to 0.30 at
 * the same style distance; 0.75 was 0.004–0.007 worse in content on all four bench pairs.
 */
const FINAL_SHARE = 0.88;

export function autoScaleCount(size: number): number {
  return size <= COARSEST_SIDE ? 1 : Math.min(MAX_SCALES, Math.ceil(Math.log2(size / COARSEST_SIDE)) + 1);
}

/** Output dimensions whose longest side is `side`, keeping the content's aspect ratio. */
export function fitDimensions(width: number, height: number, side: number): { width: number; height: number } {
  const ratio = side / Math.max(width, height);
  return {
    width: Math.max(MIN_SIDE, Math.round(width * ratio)),
    height: Math.max(MIN_SIDE, Math.round(height * ratio)),
  };
}

export function planScales(
  contentWidth: number,
  contentHeight: number,
  size: number,
  iterations: number,
  scales = 0,
): Scale[] {
  const count = Math.min(scales > 0 ? scales : autoScaleCount(size), iterations);
  // Every coarse scale keeps at least one iteration: one with none would only cost its set-up.
  const finalIterations =
    count === 1 ? iterations : Math.min(iterations - (count - 1), Math.max(1, Math.round(iterations * FINAL_SHARE)));
  const coarseIterations = iterations - finalIterations;
  return Array.from({ length: count }, (_, k) => {
    const side = Math.round(size / 2 ** (count - 1 - k));
    const last = k === count - 1;
    // Earlier coarse scales take the remainder so the total is exact.
    const share = Math.floor(coarseIterations / (count - 1 || 1));
    const extra = k < coarseIterations % (count - 1 || 1) ? 1 : 0;
    return { ...fitDimensions(contentWidth, contentHeight, side), iterations: last ? finalIterations : share + extra };
  });
}

/**
 * The style image's longest side at a scale of longest side `scaleSide`: `styleScale` times it, but the style at the
 * final scale is never larger than `maxSide`, the largest side the engine paints. Without the cap,
 * `style_scale=4 size=1024` would push a 4096² image through VGG (4 GiB of float32 in its first layer alone). The cap
 * lowers the style scale for the whole job rather than at the final scale only, so the brush strokes keep one size
 * from scale to scale.
 */
export function styleSide(scaleSide: number, size: number, styleScale: number, maxSide: number): number {
  return Math.round(scaleSide * Math.min(styleScale, maxSide / size));
}
