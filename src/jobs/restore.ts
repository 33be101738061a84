import type { JobHandle, JobListener, JobRequester, JobSpec, ReplyTo } from './job.js';

/** Why a job from before a restart could not be run again. */
export type LostReason =
  /** Its images were not kept: the data directory was at its size cap (limits.maxDataBytes) when it was queued. */
  | 'not-kept'
  /** Its images or its request could not be read back. */
  | 'unreadable'
  /** easel went down while painting it, more than once: it may be what brings easel down. */
  | 'crashed';

/** A job from before a restart that will not run again, with what its platform needs to tell the member. */
export interface LostJob {
  readonly id: string;
  readonly requester: JobRequester;
  readonly label: string;
  readonly replyTo: ReplyTo | undefined;
  readonly reason: LostReason;
}

/**
 * What a platform does with its jobs from before a restart, given only what they were queued with (the spec and
 * its `replyTo`): each platform registers one under its name.
 */
export interface JobRestorer {
  /**
   * Re-attaches a status message to the job where its `replyTo` says, and puts it back in line through `submit`
   * (which keeps the job's id). Throws when `replyTo` is not one this platform wrote.
   */
  restore(spec: JobSpec, submit: (spec: JobSpec, listener: JobListener) => JobHandle): JobHandle;
  /** Tells the member their job is gone, and why; rejects when they could not be told. */
  reportLost(job: LostJob): Promise<void>;
}
