import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { RgbImage, StylizeOptions } from '../engine/types.js';
import { OptionError, UserError } from '../errors.js';
import { decodeImage } from '../images/decode.js';
import { ImageInputError } from '../images/errors.js';
import { inputSides } from '../jobs/fetch-image.js';
import { JobTooBigError } from '../jobs/fit.js';
import type { CancelOutcome, JobHandle, JobListener, JobRequester, JobSpec } from '../jobs/job.js';
import { userMessage } from '../jobs/messages.js';
import type { PlatformDeps } from '../jobs/platform.js';
import {
  NetworkOptionsError,
  planPreset,
  presetContentSide,
  presetJob,
  reservePreset,
  type Preset,
  type PresetPlan,
} from '../jobs/presets.js';
import { EngineDownError, QueueClosedError, QueueFullError, TooManyJobsError } from '../jobs/queue.js';
import type { JobRestorer, LostJob } from '../jobs/restore.js';
import { presentLost, trackJob } from '../jobs/status/index.js';
import { findOption, resolveOptions } from '../options/index.js';
import { recipeFor, type Recipe } from '../jobs/recipe.js';
import type { RemixAction, RemixRefusal } from '../jobs/remix/index.js';
import { PageError } from './errors.js';
import { changedSettings, presetBase } from './form.js';
import { PageJob } from './page-job.js';
import { readUpload, type UploadRules } from './uploads.js';

/** The page's own pace: it is not rate-limited like a chat API, but a preview costs an encode each time. */
const STATUS_INTERVAL_MS = 250;
const PREVIEW_INTERVAL_MS = 1500;
/** A finished job's result stays to be downloaded this long; the newest FINISHED_KEPT stay at most. */
const RESULT_KEPT_MS = 30 * 60_000;
const FINISHED_KEPT = 50;

const PRESET_FIELD = 'preset';
/** What a refused remix tells the visitor; chat's words send them to /stylize, which the page does not have. */
const REMIX_REFUSALS: Readonly<Record<Exclude<RemixRefusal, 'turned-away'>, string>> = {
  'not-yours': 'That picture is not yours to remix. Paint one of your own.',
  expired: 'That picture is too old to remix. Paint it again with the form.',
  'not-offered': "That change doesn't apply to this picture any more. Change the settings in the form instead.",
};
const OWN_STYLE_LABEL = 'Custom style';
/** The file fields, and how messages name each. */
const FILES = { content: 'photo', style: 'painting' } as const;

/** An error as the page shows it: a message for the visitor, and the field to point at. */
export interface PageReply {
  readonly status: number;
  readonly message: string;
  readonly field?: string;
}

/** How the page names an option in its messages: by its label, e.g. "Style weight". */
const labelOf = (key: string): string => findOption(key)?.label ?? key;

/** Any error, worded for the page; only those meant for the visitor say what went wrong. */
export function pageReply(err: unknown): PageReply {
  if (err instanceof PageError) {
    return { status: err.status, message: err.message, ...(err.field ? { field: err.field } : {}) };
  }
  if (err instanceof OptionError) return { status: 400, message: err.messageFor(labelOf), field: err.key };
  if (err instanceof JobTooBigError) {
    return { status: 400, message: err.describe((key, value) => `${labelOf(key)} ${value}`), field: 'iterations' };
  }
  if (err instanceof TooManyJobsError || err instanceof QueueFullError) return { status: 429, message: err.message };
  if (err instanceof QueueClosedError || err instanceof EngineDownError) return { status: 503, message: err.message };
  if (err instanceof ImageInputError) {
    return { status: 400, message: err.message, field: err.what === FILES.style ? 'style' : 'content' };
  }
  return { status: err instanceof UserError ? 400 : 500, message: userMessage(err) };
}

/** What the form asks for: a photo, and a painting of the visitor's own with their settings, or a preset's plan. */
type PageRequest = { readonly content: Uint8Array } & (
  | { readonly kind: 'own'; readonly style: Uint8Array; readonly options: StylizeOptions; readonly recipe: Recipe }
  | { readonly kind: 'preset'; readonly plan: PresetPlan }
);

/** How `preset` paints the settings the visitor changed; a style network alone refuses any but the size. */
function planFor(preset: Preset, settings: Readonly<Record<string, string>>, deps: PlatformDeps): PresetPlan {
  const limits = deps.limits.options;
  const asked = changedSettings(settings, presetBase(preset, deps.presets), limits);
  try {
    return planPreset(preset, asked, limits, deps.presets.defaults);
  } catch (err) {
    if (!(err instanceof NetworkOptionsError)) throw err;
    const field = Object.keys(asked)
      .map((name) => findOption(name)?.key)
      .find((key) => key !== 'size');
    throw new PageError(err.code, 400, err.messageFor(labelOf), field);
  }
}

/** Checks the form the way /stylize checks a command: one photo, and either an uploaded painting or a preset. */
function readRequest(
  fields: ReadonlyMap<string, string>,
  files: ReadonlyMap<string, Uint8Array>,
  deps: PlatformDeps,
): PageRequest {
  const content = files.get('content');
  if (content === undefined) throw new PageError('no-content', 400, 'Choose a photo to paint.', 'content');
  const presetId = fields.get(PRESET_FIELD) || undefined;
  const preset = presetId === undefined ? undefined : deps.presets.byId(presetId);
  if (presetId !== undefined && preset === undefined) {
    throw new PageError(
      'unknown-preset',
      400,
      `I don't know the preset "${presetId.slice(0, 40)}". Pick one from the list.`,
      'style',
    );
  }
  const style = files.get('style');
  if (style === undefined && preset === undefined) {
    throw new PageError('no-style', 400, 'Choose a painting to paint in: pick a preset, or upload one.', 'style');
  }
  if (style !== undefined && preset !== undefined) {
    throw new PageError('two-styles', 400, 'Pick a preset or upload a painting, not both.', 'style');
  }
  const settings = Object.fromEntries([...fields].filter(([name]) => name !== PRESET_FIELD));
  if (preset) return { kind: 'preset', content, plan: planFor(preset, settings, deps) };
  // Present: without a preset there is a painting of one's own.
  const limits = deps.limits.options;
  const options = resolveOptions(settings, limits, deps.presets.defaults);
  // What the visitor changed from the form's defaults, as chat's recipe is what a member typed.
  const recipe = recipeFor(changedSettings(settings, deps.presets.defaults, limits), limits);
  return { kind: 'own', content, style: style!, options, recipe };
}

/**
 * The playground's jobs, from the posted form to the downloaded result. A job goes the way a chat job goes: its
 * settings are checked, a place in the shared queue (in its lane) is reserved, the images are decoded through the
 * shared input limiter with the chat attachments' caps, and the status presenter's views reach the page through the
 * job's PageJob.
 */
export class PlaygroundJobs implements JobRestorer {
  readonly #deps: PlatformDeps;
  readonly #logger: Logger;
  readonly #uploads: UploadRules;
  /** Jobs by id, oldest first. */
  readonly #jobs = new Map<string, PageJob>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(deps: PlatformDeps, logger: Logger) {
    this.#deps = deps;
    this.#logger = logger;
    this.#uploads = { files: FILES, maxFileBytes: deps.limits.maxDownloadBytes };
  }

  get uploads(): UploadRules {
    return this.#uploads;
  }

  /** Reads the posted form and puts the job in line. Throws what pageReply words. */
  async create(req: IncomingMessage, visitor: string): Promise<PageJob> {
    const deps = this.#deps;
    const requester: JobRequester = { platform: 'playground', userId: visitor };
    // The upload caps bound the reading. Decoding is the expensive part, so the place in line (in the plan's lane) is
    // held before it, as chat holds it before it downloads.
    const { fields, files } = await readUpload(req, this.#uploads);
    const request = readRequest(fields, files, deps);
    const reservation =
      request.kind === 'preset'
        ? reservePreset(deps.queue, requester, request.plan)
        : deps.queue.reserve(requester, request.options);
    try {
      const spec = await this.#spec(request, requester);
      const { job } = this.#track(spec, (submitted, listener) => reservation.submit(submitted, listener));
      this.#logger.info({ jobId: job.id, visitor, label: spec.label, kind: spec.kind }, 'playground job in line');
      return job;
    } finally {
      reservation.release();
    }
  }

  /**
   * A job from before a restart, kept again under its old id: the visitor's page, whose event stream reconnects by
   * itself, follows it on from there.
   */
  restore(spec: JobSpec, submit: (spec: JobSpec, listener: JobListener) => JobHandle): JobHandle {
    return this.#track(spec, submit).handle;
  }

  /** A lost job's page, on reconnecting, reads why it is gone. */
  async reportLost(lost: LostJob): Promise<void> {
    const job = new PageJob(lost.requester.userId, () => this.#finished(job));
    job.id = lost.id;
    this.#jobs.set(job.id, job);
    await job.post(presentLost({ label: lost.label, requesterId: lost.requester.userId }, lost.reason));
  }

  /** Decodes the request's images (through the input limiter, no larger than the job paints them) into its job. */
  async #spec(request: PageRequest, requester: JobRequester): Promise<JobSpec> {
    const { inputs, limits } = this.#deps;
    const { image, options } = limits;
    const decode = (bytes: Uint8Array, what: string, maxSide: number): Promise<RgbImage> =>
      decodeImage(bytes, image, { what, maxSide });
    if (request.kind === 'preset') {
      const side = presetContentSide(request.plan, options.maxSize);
      const content = await inputs.run(() => decode(request.content, FILES.content, side));
      const spec = await presetJob(request.plan, requester, content);
      // A network's pass is over in a moment and shows no progress; a painting's shows previews as it goes.
      return spec.kind === 'gatys' ? { ...spec, previewIntervalMs: PREVIEW_INTERVAL_MS } : spec;
    }
    const sides = inputSides(request.options, options.maxSize);
    const [content, style] = await inputs.run(() =>
      Promise.all([
        decode(request.content, FILES.content, sides.content),
        decode(request.style, FILES.style, sides.style),
      ]),
    );
    return {
      kind: 'gatys',
      requester,
      content,
      styles: [style],
      options: request.options,
      recipe: request.recipe,
      label: OWN_STYLE_LABEL,
      previewIntervalMs: PREVIEW_INTERVAL_MS,
    };
  }

  /** The visitor's job, if it is theirs and still kept. */
  get(id: string, visitor: string): PageJob | undefined {
    const job = this.#jobs.get(id);
    return job?.visitor === visitor ? job : undefined;
  }

  cancel(id: string, visitor: string): CancelOutcome {
    return this.#deps.queue.cancel(id, visitor);
  }

  /**
   * A remix button under the visitor's finished job `id`: a new job with one setting changed, in line like any new
   * one. Throws PageError with the reason in the page's words when the Remixer says no.
   */
  async remix(id: string, action: RemixAction, visitor: string): Promise<PageJob> {
    const { remix } = this.#deps;
    if (!remix) throw new PageError('no-remix', 404, 'This easel does not keep pictures to remix.');
    const press = await remix.press(id, action, { platform: 'playground', userId: visitor });
    if (press.kind === 'refused') {
      const message = press.reason === 'turned-away' ? press.message : REMIX_REFUSALS[press.reason];
      throw new PageError(`remix-${press.reason}`, press.reason === 'turned-away' ? 429 : 409, message);
    }
    const spec = press.spec.kind === 'gatys' ? { ...press.spec, previewIntervalMs: PREVIEW_INTERVAL_MS } : press.spec;
    return this.#track(spec, (submitted, listener) => press.reservation.submit(submitted, listener)).job;
  }

  /** Forgets every job; their results can no longer be downloaded. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#jobs.clear();
  }

  /** Puts a job in line through `submit`, with a PageJob that follows it, kept under the job's id. */
  #track(
    spec: JobSpec,
    submit: (spec: JobSpec, listener: JobListener) => JobHandle,
  ): { job: PageJob; handle: JobHandle } {
    const job = new PageJob(spec.requester.userId, () => this.#finished(job));
    const handle = trackJob({
      spec,
      surface: job,
      intervalMs: STATUS_INTERVAL_MS,
      logger: this.#logger,
      remixer: this.#deps.remix,
      submit: (s, listener) =>
        submit(s, (event) => {
          job.observe(event);
          return listener(event);
        }),
    });
    job.id = handle.id;
    this.#jobs.set(job.id, job);
    return { job, handle };
  }

  /** Keeps a finished job's result a while, and only the newest few, since each holds a painting in memory. */
  #finished(job: PageJob): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#jobs.delete(job.id);
    }, RESULT_KEPT_MS).unref();
    this.#timers.add(timer);
    const finished = [...this.#jobs.values()].filter((kept) => kept.finished);
    for (const old of finished.slice(0, Math.max(0, finished.length - FINISHED_KEPT))) this.#jobs.delete(old.id);
  }
}
