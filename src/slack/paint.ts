import type { RgbImage, StylizeOptions } from '../engine/types.js';
import { UserError } from '../errors.js';
import { inputSides } from '../jobs/fetch-image.js';
import type { Preset } from '../jobs/presets.js';
import { resolveOptions } from '../options/index.js';
import type { SlackContext } from './context.js';
import { fetchSlackImage } from './fetch-image.js';
import { PLATFORM, type MessagePlace } from './slack-jobs.js';

/** A style that is either a preset or a Slack-hosted image. */
export type StyleSource = { readonly preset: Preset } | { readonly url: string };

export interface PaintRequest {
  readonly userId: string;
  readonly place: MessagePlace;
  readonly contentUrl: string;
  readonly style: StyleSource;
  readonly options: StylizeOptions;
}

/** Looks a preset up by any name a Slack user might type: its own name or its emoji's name. */
export function findPreset(ctx: SlackContext, name: string): Preset {
  const { presets } = ctx.deps;
  const preset = presets.byName(name.toLowerCase()) ?? presets.bySlackName(name.toLowerCase());
  if (preset) return preset;
  const names = presets.list().map((p) => `\`${p.name}\``).join(', ');
  throw new UserError('unknown-preset', `I don't know a preset called "${name}". Try one of ${names}.`);
}

/** A user's settings on top of the preset's, or the defaults; throws OptionError naming the bad one. */
export function settingsFor(ctx: SlackContext, preset: Preset | undefined, input: Readonly<Record<string, unknown>>): StylizeOptions {
  return resolveOptions(input, ctx.deps.limits.options, preset?.base ?? ctx.deps.presets.defaults);
}

function loadStyle(ctx: SlackContext, style: StyleSource, maxSide: number): Promise<RgbImage> {
  if ('preset' in style) return style.preset.loadStyle();
  return fetchSlackImage(ctx.deps, ctx.config, style.url, 'style image', maxSide);
}

/**
 * Holds the member's place, fetches both images and queues the job. Throws a UserError for anything
 * the user can fix (unreadable image, full queue); nothing is posted publicly before the job is queued.
 */
export async function paint(ctx: SlackContext, request: PaintRequest): Promise<string> {
  const { deps, config } = ctx;
  const preset = 'preset' in request.style ? request.style.preset : undefined;
  const reservation = deps.queue.reserve({ platform: PLATFORM, userId: request.userId }, request.options);
  try {
    const sides = inputSides(request.options, deps.limits.options.maxSize);
    const [content, style] = await deps.inputs.run(() =>
      Promise.all([
        fetchSlackImage(deps, config, request.contentUrl, 'photo', sides.content),
        loadStyle(ctx, request.style, sides.style),
      ]),
    );
    const { userId, place, options } = request;
    return ctx.jobs.start({ userId, place, content, styles: [style], options, label: preset?.title ?? 'Your style' }, reservation);
  } catch (err) {
    reservation.release();
    throw err;
  }
}
