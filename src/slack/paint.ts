import type { StylizeOptions } from '../engine/types.js';
import { UserError } from '../errors.js';
import type { JobSpec } from '../jobs/job.js';
import { inputSides } from '../jobs/fetch-image.js';
import { presetContentSide, presetJob, reservePreset, type Preset, type PresetPlan } from '../jobs/presets.js';
import { recipeFor, type Recipe } from '../jobs/recipe.js';
import { resolveOptions } from '../options/index.js';
import type { SlackContext } from './context.js';
import { fetchSlackImage } from './fetch-image.js';
import { PLATFORM, type MessagePlace } from './slack-jobs.js';

/** The style asked for: a Slack-hosted image with the member's settings, or a preset's plan. */
export type PaintStyle =
  | { readonly kind: 'image'; readonly url: string; readonly options: StylizeOptions; readonly recipe: Recipe }
  | { readonly kind: 'preset'; readonly plan: PresetPlan };

export interface PaintRequest {
  readonly userId: string;
  readonly place: MessagePlace;
  readonly contentUrl: string;
  readonly style: PaintStyle;
}

/** Looks a preset up by any name a Slack user might type: its id, its emoji's name, the emoji or its name. */
export function findPreset(ctx: SlackContext, name: string): Preset {
  const { presets } = ctx.deps;
  const preset = presets.find(name);
  if (preset) return preset;
  const ids = presets
    .list()
    .map((p) => `\`${p.id}\``)
    .join(', ');
  throw new UserError('unknown-preset', `I don't know a preset called "${name}". Try one of ${ids}.`);
}

/** A user's settings on top of the defaults; throws OptionError naming the bad one. */
export function settingsFor(ctx: SlackContext, input: Readonly<Record<string, unknown>>): StylizeOptions {
  return resolveOptions(input, ctx.deps.limits.options, ctx.deps.presets.defaults);
}

/** A style image of the member's own at `url`, painted with `input` on top of the defaults; throws OptionError. */
export function imageStyle(ctx: SlackContext, url: string, input: Readonly<Record<string, unknown>>): PaintStyle {
  const { options: limits } = ctx.deps.limits;
  return { kind: 'image', url, options: settingsFor(ctx, input), recipe: recipeFor(input, limits) };
}

/**
 * Holds the member's place, fetches the images and queues the job. Throws a UserError for anything
 * the user can fix (unreadable image, full queue); nothing is posted publicly before the job is queued.
 */
export async function paint(ctx: SlackContext, request: PaintRequest): Promise<string> {
  const { deps, config } = ctx;
  const { userId, place, contentUrl, style } = request;
  const requester = { platform: PLATFORM, userId };
  const reservation =
    style.kind === 'preset'
      ? reservePreset(deps.queue, requester, style.plan)
      : deps.queue.reserve(requester, style.options);
  try {
    const spec: JobSpec = await deps.inputs.run(async () => {
      const { maxSize } = deps.limits.options;
      if (style.kind === 'preset') {
        const side = presetContentSide(style.plan, maxSize);
        return presetJob(style.plan, requester, await fetchSlackImage(deps, config, contentUrl, 'photo', side));
      }
      const sides = inputSides(style.options, maxSize);
      const [content, image] = await Promise.all([
        fetchSlackImage(deps, config, contentUrl, 'photo', sides.content),
        fetchSlackImage(deps, config, style.url, 'style image', sides.style),
      ]);
      const { options, recipe } = style;
      return { kind: 'gatys', requester, content, styles: [image], options, recipe, label: 'Your style' };
    });
    return ctx.jobs.start(place, spec, reservation);
  } catch (err) {
    reservation.release();
    throw err;
  }
}
