import type { StyleEngine, StylizeCallbacks } from '../engine/engine.js';
import type { StylizeRequest, StylizeResult } from '../engine/types.js';

/** What the scheduler passes with each job: the engine's callbacks, plus how often the consumer wants a preview. */
export interface SlotCallbacks extends StylizeCallbacks {
  /** Least time between two preview images; undefined or 0 asks for none. */
  readonly previewIntervalMs?: number;
}

/**
 * The engine as the scheduler drives it: numbered workers (slots 0..slots-1) that run exactly what they are given,
 * and that can be killed and replaced. This is the shape the engine branch gives StyleEngine; once that merges,
 * SlotEngine becomes `Pick<StyleEngine, 'backend' | 'slots' | 'stylize' | 'replace'>` and legacySlotEngine goes.
 */
export interface SlotEngine {
  readonly backend: string;
  readonly slots: number;
  /** Runs on worker `slot`, which the caller guarantees is idle. */
  stylize(slot: number, request: StylizeRequest, callbacks?: SlotCallbacks): Promise<StylizeResult>;
  /** Terminates worker `slot` at once (its job rejects), starts a fresh one, and resolves when it is ready. */
  replace(slot: number): Promise<void>;
}

/**
 * Drives today's StyleEngine, which picks a free worker itself, as a SlotEngine until the engine branch merges.
 * The queue never runs more jobs than there are slots, so the engine's own wait never holds one back. It cannot
 * kill a worker: `replace` resolves at once, and a stuck worker stays stuck.
 */
export function legacySlotEngine(engine: StyleEngine): SlotEngine {
  return {
    backend: engine.backend,
    slots: engine.slots,
    // Its workers still render a preview every `options.previewEvery` iterations, whatever previewIntervalMs says.
    stylize: (_slot, request, callbacks) => engine.stylize(request, callbacks),
    replace: async () => undefined,
  };
}
