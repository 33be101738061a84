import { jobCost } from '../engine/cost.js';
import type { StyleEngine, StylizeCallbacks } from '../engine/engine.js';
import type { FeedForwardEngine } from '../engine/feedforward/index.js';
import { fitDimensions } from '../engine/scales.js';
import type { JobResult, JobSpec } from './job.js';
import { PRIOR_MS_PER_UNIT } from './throughput.js';

/**
 * The queue's lanes: each kind of job runs on its own engine, with its own line and slots, so a one-second preset
 * never waits behind a three-minute optimisation. Members' limits count over every lane.
 */

export type LaneName = JobSpec['kind'];

/** What the Gatys lane needs of the engine: numbered slots the scheduler fills itself, and a way to replace one. */
export type QueueEngine = Pick<StyleEngine, 'backend' | 'slots' | 'stylize' | 'replace'>;

/** What the network lane needs of the feed-forward engine. */
export type QueueNetworkEngine = Pick<FeedForwardEngine, 'backend' | 'maxSide' | 'stylize'>;

export interface LaneCallbacks {
  /** The queue's id for the job, for lanes that hand it on (the remote lanes log it where the job runs). */
  readonly jobId: string;
  readonly signal: AbortSignal;
  readonly onProgress: NonNullable<StylizeCallbacks['onProgress']>;
}

/** One lane as the queue drives it: its engine's slots, and how to cost, run and free a job of its kind. */
export interface Lane {
  readonly name: LaneName;
  /** May change over time where `onSlotsChanged` is given (remote workers joining and leaving). */
  readonly slots: number;
  /** Calls `listener` whenever `slots` changes; lanes on a local engine have a fixed number and leave it out. */
  onSlotsChanged?(listener: () => void): void;
  /**
   * How long jobs wait when the lane has no slots, for slots to come back (remote workers restarting); until then
   * the lane takes jobs as usual. Left out: a lane with no slots is down, and its waiting jobs fail at once.
   */
  readonly slotlessGraceMs?: number;
  /** Where its rates are kept in the Throughput: the backend, prefixed for lanes other than Gatys. */
  readonly rateKey: string;
  /** The job's cost in the lane's units, and the size its rate is kept under. */
  measure(spec: JobSpec): { readonly units: number; readonly size: number };
  run(slot: number, spec: JobSpec, callbacks: LaneCallbacks): Promise<JobResult>;
  /** Ends a stuck job's worker and resolves once the slot can take work again. */
  replace(slot: number): Promise<void>;
}

/** A job sent to the wrong lane is a bug in the queue, never something a member did. */
function wrongLane(lane: LaneName, spec: JobSpec): Error {
  return new Error(`a ${spec.kind} job was sent to the ${lane} lane`);
}

/** A Gatys job's cost: the engine's own cost model (pixels × iterations), kept under the job's size. */
export function measureGatys(spec: JobSpec): ReturnType<Lane['measure']> {
  if (spec.kind !== 'gatys') throw wrongLane('gatys', spec);
  return { units: jobCost(spec.content.width, spec.content.height, spec.options).total, size: spec.options.size };
}

/** A network pass's cost: the pixels of its result, at most `maxSide` on its longest side. */
export function measureNetwork(maxSide: number): Lane['measure'] {
  return (spec) => {
    if (spec.kind !== 'network') throw wrongLane('network', spec);
    const size = Math.min(spec.size, maxSide);
    const { width, height } = fitDimensions(spec.content.width, spec.content.height, size);
    return { units: width * height, size };
  };
}

/** Gatys optimisations on the slot engine; a job's cost is the engine's own cost model (pixels × iterations). */
export function gatysLane(engine: QueueEngine): Lane {
  return {
    name: 'gatys',
    slots: engine.slots,
    rateKey: engine.backend,
    measure: measureGatys,
    run(slot, spec, { signal, onProgress }) {
      if (spec.kind !== 'gatys') throw wrongLane('gatys', spec);
      const { content, styles, options, previewIntervalMs } = spec;
      return engine.stylize(slot, { content, styles, options }, { signal, onProgress, previewIntervalMs });
    },
    replace: (slot) => engine.replace(slot),
  };
}

/**
 * Milliseconds per output pixel of one feed-forward pass before any has finished, on the slow side: ONNX Runtime
 * took 0.5 s for 512² on two cores (bench/run.ts); wasm is about 3× slower, tfjs's plain `cpu` 30×.
 */
const NETWORK_PRIOR_MS_PER_PIXEL: Readonly<Record<string, number>> = {
  'tfjs-node-gpu': 3e-4,
  onnx: 3e-3,
  'tfjs-node': 6e-3,
  wasm: 1e-2,
  cpu: 1e-1,
};

export const NETWORK_RATE_PREFIX = 'network:';

/** The throughput priors of every lane, keyed as the lanes key their rates. */
export const LANE_PRIORS: Readonly<Record<string, number>> = {
  ...PRIOR_MS_PER_UNIT,
  ...Object.fromEntries(
    Object.entries(NETWORK_PRIOR_MS_PER_PIXEL).map(([backend, ms]) => [`${NETWORK_RATE_PREFIX}${backend}`, ms]),
  ),
};

/**
 * Style networks on the feed-forward engine's one worker, which runs one pass at a time: one slot. A job's cost is
 * the pixels of its result. Its worker restarts itself if it dies, and an aborted pass ends at once, so there is
 * never a stuck slot to replace.
 */
export function networkLane(engine: QueueNetworkEngine): Lane {
  return {
    name: 'network',
    slots: 1,
    rateKey: `${NETWORK_RATE_PREFIX}${engine.backend}`,
    measure: measureNetwork(engine.maxSide),
    run(_slot, spec, { signal }) {
      if (spec.kind !== 'network') throw wrongLane('network', spec);
      return engine.stylize({ networkId: spec.networkId, image: spec.content, size: spec.size }, { signal });
    },
    replace: () => Promise.resolve(),
  };
}
