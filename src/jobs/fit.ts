import { chatName, UserError } from '../errors.js';

/**
 * Words an option (its schema key) and a value in a front end's own syntax: `iterations:120` on Discord,
 * `iterations=120` in Slack's command text, `--iterations 120` on a command line.
 */
export type OptionWording = (key: string, value: number) => string;

/** Discord's spelling, which reads well in any chat; JobTooBigError's own message uses it. */
const chatOption: OptionWording = (key, value) => `\`${chatName(key)}:${value}\``;

/** What would fit instead of a job that cannot finish within the timeout. */
export interface JobFit {
  /** The size asked for. */
  readonly size: number;
  /** Most iterations that fit at `size`; 0 when not even one does. */
  readonly maxIterationsAtSize: number;
  /** The largest round size at which the asked-for iterations fit; undefined when none does. */
  readonly suggestedSize: number | undefined;
}

/**
 * A round number of iterations that fits: 127 → 120, since the estimate is not that precise. The message says and
 * suggests this one number, so "about 1600 … try 1590" cannot happen.
 */
function suggestedIterations(max: number): number {
  return max >= 20 ? Math.floor(max / 10) * 10 : max;
}

function describe(fit: JobFit, word: OptionWording): string {
  const { size, maxIterationsAtSize: max, suggestedSize } = fit;
  const smaller = suggestedSize === undefined ? undefined : word('size', suggestedSize);
  if (max > 0) {
    const iterations = suggestedIterations(max);
    const fewer = word('iterations', iterations);
    const instead = smaller ? `${fewer} or ${smaller}` : fewer;
    return `At ${size} px I can do about ${iterations} iterations in the time I allow; try ${instead}.`;
  }
  if (smaller) return `At ${size} px not even one iteration fits in the time I allow; try ${smaller}.`;
  return 'That job would take longer than I allow, whatever its size.';
}

/** A job whose estimated time exceeds the job timeout; it is refused before anything is downloaded or run. */
export class JobTooBigError extends UserError {
  readonly fit: JobFit;

  constructor(fit: JobFit) {
    super('job-too-big', describe(fit, chatOption));
    this.fit = fit;
  }

  /** The refusal with options in a front end's own syntax; `message` uses chat spelling. */
  describe(word: OptionWording): string {
    return describe(this.fit, word);
  }
}

/** How much of the timeout an estimate may fill: estimates are averages, and a job just under the line often fails. */
const HEADROOM = 0.9;
/** Sizes suggested instead of a too-big one: multiples of 128, then 64. */
const SIZE_STEP = 128;
const SMALLEST_SUGGESTED_SIZE = 64;

/**
 * Throws JobTooBigError when a job of `iterations` at `size` is estimated to run past `timeoutMs`, saying how many
 * iterations fit at that size and which smaller size fits the iterations asked for.
 */
export function refuseIfTooBig(
  estimateMs: (size: number, iterations: number) => number,
  timeoutMs: number,
  size: number,
  iterations: number,
): void {
  const fits = (atSize: number, atIterations: number): boolean =>
    estimateMs(atSize, atIterations) <= timeoutMs * HEADROOM;
  if (fits(size, iterations)) return;
  // The estimate grows with the iterations, so the most that fit can be found by bisection.
  let [low, high] = [0, iterations];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(size, middle)) low = middle;
    else high = middle;
  }
  const sizes: number[] = [];
  for (let candidate = Math.ceil(size / SIZE_STEP - 1) * SIZE_STEP; candidate >= SIZE_STEP; candidate -= SIZE_STEP) {
    sizes.push(candidate);
  }
  if (size > SMALLEST_SUGGESTED_SIZE) sizes.push(SMALLEST_SUGGESTED_SIZE);
  throw new JobTooBigError({
    size,
    maxIterationsAtSize: low,
    suggestedSize: sizes.find((candidate) => fits(candidate, iterations)),
  });
}
