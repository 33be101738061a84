import type { StylizeOptions } from '../../engine/types.js';
import { DEFAULT_STRENGTH, type Settings } from '../../options/index.js';
import type { Recipe } from '../recipe.js';
import { isJobId } from '../journal/inputs.js';

/** What a remix button does to the job it is under; each changes one setting (a variation: the start and its seed). */
export const REMIX_ACTIONS = ['more', 'less', 'colours', 'bigger', 'variation', 'paint'] as const;
export type RemixAction = (typeof REMIX_ACTIONS)[number];

/** A button to offer under a result: what it does, and what it says. */
export interface RemixOffer {
  readonly action: RemixAction;
  readonly label: string;
}

const LABELS: Readonly<Record<RemixAction, string>> = {
  more: 'More style',
  less: 'Less style',
  colours: 'Keep colours',
  bigger: 'Bigger',
  variation: 'Variation',
  paint: 'Paint it properly',
};

/** How far More style and Less style move the strength. */
export const STRENGTH_STEP = 2;
const STRENGTH_RANGE = { min: 1, max: 10 };

/** The sizes Bigger steps through; the operator's cap is the last step. */
export const SIZE_STEPS: readonly number[] = [256, 384, 512, 768, 1024, 1536, 2048];

/** The size Bigger goes to from `size`: the next step, held to `maxSize`; undefined when nothing bigger is allowed. */
export function biggerSize(size: number, maxSize: number): number | undefined {
  const next = Math.min(SIZE_STEPS.find((step) => step > size) ?? maxSize, maxSize);
  return next > size ? next : undefined;
}

const ID_PREFIX = 'easel:remix:';

/**
 * A button's custom id (Discord) or action id (Slack): `easel:remix:<action>:<job id>`, 57 characters at most,
 * within Discord's 100 and Slack's 255. It names the job, so a press after a restart finds its kept inputs.
 */
export function remixId(action: RemixAction, jobId: string): string {
  return `${ID_PREFIX}${action}:${jobId}`;
}

/** The action and job of a remix button's id; undefined for any other id, or one that was tampered with. */
export function readRemixId(id: string): { readonly action: RemixAction; readonly jobId: string } | undefined {
  if (!id.startsWith(ID_PREFIX)) return undefined;
  const [action, jobId, ...rest] = id.slice(ID_PREFIX.length).split(':');
  if (rest.length > 0 || jobId === undefined || !isJobId(jobId)) return undefined;
  const known = REMIX_ACTIONS.find((candidate) => candidate === action);
  return known && { action: known, jobId };
}

/** Remix buttons' ids all start so, for listeners that take every one of them. */
export const REMIX_ID_PATTERN = /^easel:remix:/;

/** A job as far as remixing goes: its kind, its settings and the member's recipe (a JobSpec or a stored request). */
export type Remixable =
  | { readonly kind: 'gatys'; readonly options: StylizeOptions; readonly recipe?: Recipe }
  | { readonly kind: 'network'; readonly size: number; readonly recipe?: Recipe };

/** What a remix may look at besides the job: the operator's size cap, and whether a preset has a painting. */
export interface RemixLimits {
  readonly maxSize: number;
  hasPainting(presetId: string): boolean;
}

/**
 * The member's settings with `action`'s one change, or undefined where it does not apply: More style at strength 10,
 * Bigger at the cap, Paint it properly on anything but a network's result from a preset with a painting.
 */
export function remixedSettings(
  action: RemixAction,
  job: Remixable,
  limits: RemixLimits,
  newSeed: () => number,
): Settings | undefined {
  const { recipe } = job;
  if (!recipe) return undefined;
  const { settings } = recipe;
  const strength = settings.strength ?? DEFAULT_STRENGTH;
  switch (action) {
    case 'more':
    case 'less': {
      if (job.kind !== 'gatys') return undefined;
      const step = action === 'more' ? STRENGTH_STEP : -STRENGTH_STEP;
      const next = Math.min(STRENGTH_RANGE.max, Math.max(STRENGTH_RANGE.min, strength + step));
      return next === strength ? undefined : { ...settings, strength: next };
    }
    case 'colours':
      return job.kind === 'gatys' ? { ...settings, preserveColors: !job.options.preserveColors } : undefined;
    case 'bigger': {
      const size = biggerSize(job.kind === 'gatys' ? job.options.size : job.size, limits.maxSize);
      return size === undefined ? undefined : { ...settings, size };
    }
    case 'variation':
      return job.kind === 'gatys' ? { ...settings, init: 'noise', seed: newSeed() } : undefined;
    case 'paint':
      return job.kind === 'network' && recipe.presetId !== undefined && limits.hasPainting(recipe.presetId)
        ? settings
        : undefined;
  }
}

/** The buttons to put under a finished job's result, in the order they are shown. */
export function remixOffers(job: Remixable, limits: RemixLimits): RemixOffer[] {
  return REMIX_ACTIONS.filter((action) => remixedSettings(action, job, limits, () => 0) !== undefined).map(
    (action) => ({
      action,
      // The toggle says what pressing it does.
      label:
        action === 'colours' && job.kind === 'gatys' && job.options.preserveColors
          ? "Painting's colours"
          : LABELS[action],
    }),
  );
}
