import type { Progress, StylizeOptions, StylizeResult } from '../engine/types.js';
import type { ImageRef } from './image-store.js';
import { WireFormatError } from './errors.js';

/**
 * What travels through BullMQ between the bot and its workers: JSON, with images by reference (image-store.ts).
 * Both ends are easel, so the checks here only turn a version mismatch into a clear error instead of a crash.
 */

interface WireJobBase {
  /** The bot queue's id for the job, so that the worker's log lines can be matched to the bot's. */
  readonly jobId: string;
  readonly label: string;
  readonly content: ImageRef;
}

export interface WireGatysJob extends WireJobBase {
  readonly kind: 'gatys';
  readonly styles: readonly ImageRef[];
  readonly options: StylizeOptions;
  readonly previewIntervalMs?: number;
}

export interface WireNetworkJob extends WireJobBase {
  readonly kind: 'network';
  readonly networkId: string;
  readonly size: number;
}

export type WireJob = WireGatysJob | WireNetworkJob;

/** A finished job as its worker reports it: the result image by reference, and the rest of the engine's result. */
export type WireResult =
  | ({ readonly kind: 'gatys'; readonly image: ImageRef } & Omit<StylizeResult, 'image'>)
  | { readonly kind: 'network'; readonly image: ImageRef; readonly ms: number; readonly backend: string };

/**
 * How a job ended on its worker. Errors are reported, not thrown, so that a UserError's friendly message reaches the
 * member (BullMQ keeps only a failed job's message) and so that no engine failure is retried as if it were a crash.
 */
export type WireOutcome =
  | { readonly outcome: 'done'; readonly result: WireResult }
  | { readonly outcome: 'cancelled' }
  /** `message` only for a UserError: it is meant for the member. */
  | { readonly outcome: 'failed'; readonly message?: string };

/** Progress without its preview image, which goes by pub/sub (previews.ts). */
export type WireProgress = Omit<Progress, 'preview'>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isImageRef(value: unknown): value is ImageRef {
  return (
    isObject(value) &&
    Number.isInteger(value.width) &&
    Number.isInteger(value.height) &&
    (value.where === 'redis' || value.where === 'shared') &&
    typeof value.key === 'string'
  );
}

export function parseWireJob(value: unknown): WireJob {
  const ok =
    isObject(value) &&
    typeof value.jobId === 'string' &&
    typeof value.label === 'string' &&
    isImageRef(value.content) &&
    ((value.kind === 'gatys' && Array.isArray(value.styles) && value.styles.every(isImageRef)) ||
      (value.kind === 'network' && typeof value.networkId === 'string' && typeof value.size === 'number'));
  if (!ok) throw new WireFormatError('job data');
  return value as unknown as WireJob;
}

export function parseWireOutcome(value: unknown): WireOutcome {
  // BullMQ's QueueEvents hands the return value over parsed, its typings say as a string: either is read.
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (isObject(parsed)) {
    if (parsed.outcome === 'cancelled') return { outcome: 'cancelled' };
    if (parsed.outcome === 'failed') {
      return typeof parsed.message === 'string'
        ? { outcome: 'failed', message: parsed.message }
        : { outcome: 'failed' };
    }
    const { result } = parsed;
    if (parsed.outcome === 'done' && isObject(result) && isImageRef(result.image)) {
      return parsed as unknown as WireOutcome;
    }
  }
  throw new WireFormatError('job outcome');
}

export function parseWireProgress(value: unknown): WireProgress | undefined {
  if (!isObject(value) || typeof value.fraction !== 'number' || typeof value.iteration !== 'number') return undefined;
  return value as unknown as WireProgress;
}
