import type { LaneName } from '../jobs/lanes.js';

/**
 * Every name easel uses in Redis, in one place, so that the bot and its workers cannot disagree. BullMQ keeps its own
 * keys under its `bull:` prefix; easel's are under `easel:`.
 */

/** One BullMQ queue per lane, so a worker can serve one lane or both. */
export function queueName(lane: LaneName): string {
  return `easel-${lane}`;
}

/** A worker's heartbeat: its WorkerCard as JSON, expiring unless renewed. */
export const WORKER_KEY_PREFIX = 'easel:worker:';

/** A job's input or result image while it travels between the bot and a worker. */
export function imageKey(jobKey: string, name: string): string {
  return `easel:image:${jobKey}:${name}`;
}

/** Set when a job is cancelled, so a worker that takes it afterwards does not start it. */
export function cancelledKey(jobKey: string): string {
  return `easel:cancelled:${jobKey}`;
}

/** Pub/sub: the BullMQ job id of a job to stop, to whichever worker holds it. */
export const CANCEL_CHANNEL = 'easel:cancel';

/** Pub/sub: preview images, kept out of BullMQ's event stream (see previews.ts). */
export const PREVIEW_CHANNEL = 'easel:preview';
