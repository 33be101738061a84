import { UserError } from '../errors.js';
import type { Progress } from '../engine/types.js';
import { DEFAULT_STRENGTH, OPTION_SCHEMA } from '../options/index.js';
import type { CancelReason, JobResult, JobSpec } from './job.js';
import { settingWords } from './recipe.js';
import type { LostReason } from './restore.js';
import { progressPercent } from './status/progress.js';

/** Shared wording for both platforms, so a job reads the same wherever it was asked for. */

const GENERIC_APOLOGY = 'Sorry, something went wrong on my side while painting that. Please try again in a minute.';

/** The text to show a user for any error: a UserError's own message, otherwise a generic apology. */
export function userMessage(err: unknown): string {
  return err instanceof UserError ? err.message : GENERIC_APOLOGY;
}

/** A rough duration for waits and ETAs: "a few seconds", "about 40 s", "about 3 min", "about 1 h 10 min". */
export function roughDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 10_000) return 'a few seconds';
  if (ms < 55_000) return `about ${Math.round(ms / 5_000) * 5} s`;
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `about ${minutes} min`;
  const rest = minutes % 60;
  return `about ${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
}

/** A measured duration: "4.2 s", "1 min 5 s", "1 h 3 min". */
export function elapsed(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const totalSeconds = Math.round(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min ${totalSeconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** When a waiting job starts; with no estimate, its lane has no painter to start it on. */
function startsIn(etaMs: number | undefined): string {
  return etaMs === undefined ? 'waiting for a painter to connect' : `starts in ${roughDuration(etaMs)}`;
}

export function queueLine(position: number, etaMs: number | undefined): string {
  const place = position <= 1 ? "You're next in line" : `You're #${position} in line`;
  return `${place} · ${startsIn(etaMs)}`;
}

/** A job from before a restart, back in the queue. */
export function restoredQueueLine(position: number, etaMs: number | undefined): string {
  return `easel restarted; your job is back in line, #${position} · ${startsIn(etaMs)}`;
}

export function startedLine(etaMs: number): string {
  return `Starting to paint · ${roughDuration(etaMs)} to go`;
}

export function progressLine(progress: Progress): string {
  const { iteration, iterations, etaMs } = progress;
  return `Painting… ${progressPercent(progress)}% · iteration ${iteration}/${iterations} · ${roughDuration(etaMs)} left`;
}

export function cancelledLine(reason: CancelReason): string {
  switch (reason) {
    case 'user':
      return 'Cancelled. Nothing was painted.';
    case 'timeout':
      return 'That took longer than I allow, so I stopped it. Try a smaller `size` or fewer `iterations`.';
    case 'shutdown':
      return "I'm restarting, so I had to stop this one. Please ask again in a minute.";
    case 'restart':
      return "I'm restarting. Your job is kept, and it will resume when I'm back.";
  }
}

/** Said of a job from before a restart that will not run again. */
export function lostLine(reason: LostReason): string {
  switch (reason) {
    case 'not-kept':
      return "easel restarted, and there wasn't room to keep this job's images. Please ask again.";
    case 'unreadable':
      return "easel restarted, and couldn't read this job's images back. Please ask again.";
    case 'crashed':
      return 'easel went down twice while painting this one, so I let it go. Try a smaller `size` or fewer `iterations`.';
  }
}

/** Settings every "made with" line names, whether the member set them or not; the rest only when they did. */
const ALWAYS_NAMED: ReadonlySet<string> = new Set(['strength', 'size', 'seed', 'iterations']);

/**
 * How a result was made, in one line whose parts are /stylize's own options, so that typing them in again paints the
 * same picture: "Made with preset starry_night · strength 7 · size 512 · seed 0 · iterations 100 · 41 s". A job
 * without a recipe (a gallery tile's) names its label instead, and no strength.
 */
export function madeWithLine(spec: JobSpec, result: JobResult): string {
  const { recipe } = spec;
  const source =
    recipe?.presetId !== undefined ? `preset ${recipe.presetId}` : recipe ? 'your style image' : spec.label;
  if (spec.kind === 'network') {
    return `Made with ${[source, 'style network', `size ${spec.size}`, elapsed(result.ms)].join(' · ')}`;
  }
  const { options } = spec;
  const settings = recipe?.settings ?? {};
  const named = [
    ...(recipe ? [settingWords('strength', settings.strength ?? DEFAULT_STRENGTH)] : []),
    settingWords('size', options.size),
    settingWords('seed', options.seed),
    settingWords('iterations', options.iterations),
    ...OPTION_SCHEMA.flatMap(({ key }) =>
      ALWAYS_NAMED.has(key) || settings[key] === undefined ? [] : [settingWords(key, settings[key])],
    ),
  ];
  return `Made with ${[source, ...named, elapsed(result.ms)].join(' · ')}`;
}

export function doneLine(result: JobResult): string {
  return `Done in ${elapsed(result.ms)}.`;
}

/** Where the result went, when it went somewhere other than the status message, e.g. "<#123>". */
export function deliveredLine(done: string, where: string | undefined): string {
  return where === undefined ? done : `${done} It's in the thread: ${where}`;
}

/** The result on the status message itself, with how it was made. */
export function resultHereLine(madeWith: string): string {
  return `Here it is!\n${madeWith}`;
}

export const RESULT_LOST = "I finished the picture but couldn't upload it here. Please try again in a minute.";
