import { randomInt } from 'node:crypto';
import type { StylizeOptions } from '../../engine/types.js';
import { UserError } from '../../errors.js';
import { resolveOptions, type OptionLimits, type Settings } from '../../options/index.js';
import type { JobRequester, JobSpec } from '../job.js';
import type { StoredRequest } from '../journal/journal.js';
import { userMessage } from '../messages.js';
import { paintingPlan, planPreset, presetJob, reservePreset, type PresetCatalog, type PresetPlan } from '../presets.js';
import type { JobQueue, Reservation } from '../queue.js';
import { remixedSettings, remixOffers, type RemixAction, type RemixLimits, type RemixOffer } from './actions.js';
import type { KeptJob, RemixStore } from './store.js';

/**
 * Why a press does not queue a job. `turned-away`: the queue said no (too many jobs, full, too big) or the settings
 * no longer fit the operator's limits; the member is told in those words.
 */
export type RemixRefusal = 'not-yours' | 'expired' | 'not-offered' | 'turned-away';

/** What each refusal tells the member, privately. */
export const REMIX_REFUSALS: Readonly<Record<Exclude<RemixRefusal, 'turned-away'>, string>> = {
  'not-yours': 'Start your own with /stylize.',
  expired: 'That one is too old to remix; run /stylize again.',
  'not-offered': "That change doesn't apply to this picture any more; run /stylize to change it.",
};

/** A press's outcome: the new job, holding the member's place in line, or a refusal to show only to the presser. */
export type RemixPress =
  | { readonly kind: 'remix'; readonly spec: JobSpec; readonly reservation: Reservation }
  | { readonly kind: 'refused'; readonly reason: RemixRefusal; readonly message: string };

export interface RemixerOptions {
  readonly store: RemixStore;
  readonly queue: JobQueue;
  readonly presets: PresetCatalog;
  readonly limits: OptionLimits;
  /** A Variation's new seed; random by default. */
  readonly newSeed?: () => number;
}

/** How the remix is painted: a preset's plan, or the member's own style image with new settings. */
type RemixPlan =
  | { readonly kind: 'preset'; readonly plan: PresetPlan }
  | { readonly kind: 'own'; readonly options: StylizeOptions; readonly settings: Settings; readonly label: string };

function refused(reason: Exclude<RemixRefusal, 'turned-away'>): RemixPress {
  return { kind: 'refused', reason, message: REMIX_REFUSALS[reason] };
}

/**
 * Turns a press of a remix button into a new job: the kept job's inputs with one setting changed, for the member
 * who asked for the original only, through the queue's reserve like any new job (so per-user limits and turns
 * apply). Platform-neutral: each platform maps a press to `press` and renders what comes back.
 */
export class Remixer {
  readonly #store: RemixStore;
  readonly #queue: JobQueue;
  readonly #presets: PresetCatalog;
  readonly #limits: OptionLimits;
  readonly #newSeed: () => number;
  readonly #remixLimits: RemixLimits;

  constructor(options: RemixerOptions) {
    this.#store = options.store;
    this.#queue = options.queue;
    this.#presets = options.presets;
    this.#limits = options.limits;
    this.#newSeed = options.newSeed ?? (() => randomInt(0, 2 ** 31 - 1));
    this.#remixLimits = {
      maxSize: options.limits.maxSize,
      hasPainting: (presetId) => this.#presets.byId(presetId)?.painting !== undefined,
    };
  }

  /** The buttons for a finished job's result; none for a job without a recipe (a gallery tile's). */
  offers(spec: JobSpec): RemixOffer[] {
    return remixOffers(spec, this.#remixLimits);
  }

  /**
   * What pressing `action` under job `jobId`'s result by `presser` does. Never throws for anything a member did:
   * a mistake or a full queue comes back as a refusal.
   */
  async press(jobId: string, action: RemixAction, presser: JobRequester): Promise<RemixPress> {
    const kept = this.#store.kept(jobId);
    if (!kept) return refused('expired');
    const { requester } = kept;
    if (requester.platform !== presser.platform || requester.userId !== presser.userId) return refused('not-yours');
    const settings = remixedSettings(action, kept.request, this.#remixLimits, this.#newSeed);
    if (settings === undefined) return refused('not-offered');
    let reservation: Reservation;
    let plan: RemixPlan | undefined;
    try {
      plan = this.#plan(kept.request, action, settings);
      if (!plan) return refused('expired');
      reservation =
        plan.kind === 'preset'
          ? reservePreset(this.#queue, presser, plan.plan)
          : this.#queue.reserve(presser, plan.options);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      return { kind: 'refused', reason: 'turned-away', message: userMessage(err) };
    }
    try {
      const spec = await this.#build(kept, plan, presser);
      if (spec) return { kind: 'remix', spec, reservation };
      reservation.release();
      return refused('expired');
    } catch (err) {
      reservation.release();
      throw err;
    }
  }

  /** The remix's plan; undefined when its preset (or the preset's painting) is no longer in the presets file. */
  #plan(request: StoredRequest, action: RemixAction, settings: Settings): RemixPlan | undefined {
    const presetId = request.recipe?.presetId;
    if (presetId === undefined) {
      if (request.kind !== 'gatys') return undefined;
      const options = resolveOptions(settings, this.#limits, this.#presets.defaults);
      return { kind: 'own', options, settings, label: request.label };
    }
    const preset = this.#presets.byId(presetId);
    if (!preset) return undefined;
    // A network's result goes on with the network unless the press asks for the painting.
    if (request.kind === 'network' && action !== 'paint') {
      return { kind: 'preset', plan: planPreset(preset, settings, this.#limits, this.#presets.defaults) };
    }
    return preset.painting && { kind: 'preset', plan: paintingPlan(preset, preset.painting, settings, this.#limits) };
  }

  /** The new job on the kept images; undefined when they cannot be read back (they count as gone). */
  async #build(kept: KeptJob, plan: RemixPlan, presser: JobRequester): Promise<JobSpec | undefined> {
    let original: JobSpec;
    try {
      original = this.#store.specOf(kept, presser);
    } catch {
      return undefined;
    }
    if (plan.kind === 'preset') return presetJob(plan.plan, presser, original.content);
    if (original.kind !== 'gatys') return undefined;
    const { options, settings, label } = plan;
    const { content, styles } = original;
    return { kind: 'gatys', requester: presser, content, styles, options, recipe: { settings }, label };
  }
}
