import { JobAbortedError, OptionError, UserError, type OptionProblem, type OptionRule } from '../errors.js';
import type { EngineConfig } from './engine.js';
import type { Progress, StylizeRequest, StylizeResult } from './types.js';

/** What crosses the worker boundary. Errors travel as plain data: class identity does not survive a postMessage. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
  /** An OptionError's parts, so each front end can still word it its own way (`--style-blend` on the CLI). */
  readonly option?: { readonly key: string; readonly rule: OptionRule; readonly problem: OptionProblem };
}

export type ToWorker =
  | {
      readonly type: 'stylize';
      readonly id: number;
      readonly request: StylizeRequest;
      /** StylizeCallbacks.previewIntervalMs; 0 for none. */
      readonly previewIntervalMs: number;
    }
  | { readonly type: 'abort'; readonly id: number };

/** How every engine worker (Gatys and feed-forward) says it has opened its runtime, or could not. */
export type WorkerStarted =
  | {
      readonly type: 'ready';
      readonly backend: string;
      readonly maxSide: number;
      readonly skipped: readonly string[];
      readonly loadMs: number;
    }
  | { readonly type: 'fatal'; readonly error: SerializedError };

export type FromWorker =
  | WorkerStarted
  | { readonly type: 'progress'; readonly id: number; readonly progress: Progress }
  | { readonly type: 'result'; readonly id: number; readonly result: StylizeResult; readonly tensors: number }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };

export type WorkerData = EngineConfig;

export function serializeError(error: unknown): SerializedError {
  if (error instanceof OptionError) {
    const { name, message, code, key, rule, problem } = error;
    return { name, message, code, option: { key, rule, problem } };
  }
  if (error instanceof UserError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * A worker's error on this side: OptionErrors and JobAbortedErrors come back as themselves, other UserErrors as
 * UserError (with their code), the rest as plain Errors.
 */
export function reviveError(error: SerializedError): Error {
  if (error.option) return new OptionError(error.option.key, error.option.rule, error.option.problem);
  if (error.code === 'aborted') return new JobAbortedError(error.message);
  if (error.code) return new UserError(error.code, error.message);
  const revived = new Error(error.message);
  revived.name = error.name;
  if (error.stack) revived.stack = error.stack;
  return revived;
}
