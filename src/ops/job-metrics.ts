import type { JobObserver, ObservedJob } from '../jobs/observer.js';
import type { EaselMetrics } from './metrics.js';

/**
 * The queue's side of the metrics: a JobObserver that counts jobs by outcome, times their wait and their run, keeps
 * each lane's depth, and adds up iterations. It keeps only what it needs between a job's events (when it started,
 * the iterations it had reported), and forgets a job when it ends.
 */
export function jobMetrics(metrics: EaselMetrics): JobObserver {
  /** Jobs waiting to start, per lane. */
  const waiting = new Map<string, Set<string>>();
  const startedAt = new Map<string, number>();
  const iterationsSeen = new Map<string, number>();

  const leaveLine = (job: ObservedJob): void => {
    const lane = waiting.get(job.lane);
    if (lane?.delete(job.id)) metrics.setQueueDepth(job.lane, lane.size);
  };
  const forget = (job: ObservedJob): void => {
    leaveLine(job);
    startedAt.delete(job.id);
    iterationsSeen.delete(job.id);
  };

  return {
    onQueued(job) {
      const lane = waiting.get(job.lane) ?? new Set<string>();
      waiting.set(job.lane, lane.add(job.id));
      metrics.setQueueDepth(job.lane, lane.size);
      metrics.jobQueued(job.lane, job.spec.requester.platform);
    },
    onStarted(job) {
      leaveLine(job);
      const now = Date.now();
      startedAt.set(job.id, now);
      metrics.jobStarted(job.lane, now - job.submittedAt);
    },
    onProgress(job, progress) {
      const before = iterationsSeen.get(job.id) ?? 0;
      if (progress.iteration <= before) return;
      iterationsSeen.set(job.id, progress.iteration);
      metrics.iterations(progress.iteration - before);
    },
    onFinished(job, end) {
      const started = startedAt.get(job.id);
      metrics.jobFinished(end, job.spec.requester.platform, started === undefined ? undefined : Date.now() - started);
      forget(job);
    },
    // Not an end: the job is counted when it ends, after the restart.
    onSuspended: forget,
    onRefused(requester) {
      metrics.jobFinished('refused', requester.platform);
    },
  };
}
