import type { Logger } from 'pino';
import type { JobSpec } from '../job.js';
import { EngineDownError, QueueClosedError, type JobQueue } from '../queue.js';
import type { JobRestorer, LostJob, LostReason } from '../restore.js';
import type { Journal, JournaledJob, StoredRequest } from './journal.js';

/** A job that brought easel down this many times while it ran is not run again. */
export const MAX_CRASHES = 2;

/** What became of the jobs from before a restart; every one of them is in exactly one count. */
export interface RestoreSummary {
  /** Back in line. */
  readonly restored: number;
  /** Not run again; their members were told, or, where that failed, it was logged. */
  readonly lost: number;
  /** Left in the journal, for when their platform is connected again (or the queue takes jobs again). */
  readonly kept: number;
}

/** Why a job cannot run again, or undefined when it can. */
function lostReason(job: JournaledJob): LostReason | undefined {
  if (job.request === undefined) return 'unreadable';
  if (!job.inputsKept) return 'not-kept';
  if (job.crashes >= MAX_CRASHES) return 'crashed';
  return undefined;
}

/**
 * After a start, puts every job the last run left unfinished back in line, each through its platform's restorer,
 * which posts about it where the job's `replyTo` says ("easel restarted; your job is back in line, #2"). A job that
 * cannot run again is dropped and its member told why; one whose platform is not connected now stays journaled.
 * Resolves once every member who could be told has been.
 */
export async function restoreJobs(
  journal: Journal,
  queue: JobQueue,
  restorers: ReadonlyMap<string, JobRestorer>,
  logger: Logger,
): Promise<RestoreSummary> {
  const log = logger.child({ component: 'journal' });
  const reports: Array<Promise<void>> = [];
  let restored = 0;
  let kept = 0;
  let lost = 0;

  const drop = (job: JournaledJob, reason: LostReason, restorer: JobRestorer | undefined): void => {
    lost++;
    journal.forget(job.id);
    const { id, requester } = job;
    const lostJob: LostJob = {
      id,
      requester,
      label: job.request?.label ?? 'your picture',
      replyTo: job.request?.replyTo,
      reason,
    };
    log.warn({ jobId: id, ...requester, reason }, 'a job from before the restart cannot run again; telling its member');
    const told = restorer ? restorer.reportLost(lostJob) : Promise.reject(new Error('its platform is not connected'));
    reports.push(
      told.catch((err: unknown) => {
        log.error({ err, jobId: id, ...requester, reason }, 'could not tell the member their job was lost');
      }),
    );
  };

  for (const job of journal.salvaged) drop(job, 'unreadable', restorers.get(job.requester.platform));

  for (const job of journal.unfinished()) {
    const restorer = restorers.get(job.requester.platform);
    if (!restorer) {
      kept++;
      log.warn({ jobId: job.id, ...job.requester }, 'a job from before the restart waits for its platform to connect');
      continue;
    }
    const reason = lostReason(job);
    if (reason !== undefined) {
      drop(job, reason, restorer);
      continue;
    }
    let spec: JobSpec;
    try {
      spec = journal.specOf(job as JournaledJob & { readonly request: StoredRequest });
    } catch (err) {
      log.error({ err, jobId: job.id }, "a job's images from before the restart could not be read");
      drop(job, 'unreadable', restorer);
      continue;
    }
    try {
      const entry = { id: job.id, submittedAt: job.submittedAt };
      restorer.restore(spec, (restoredSpec, listener) => queue.restore(entry, restoredSpec, listener));
      restored++;
    } catch (err) {
      // Closed, or its lane has no engine now (a network job while the networks are down): it waits for a later start.
      if (err instanceof QueueClosedError || err instanceof EngineDownError) {
        kept++;
        continue;
      }
      // A `replyTo` the platform cannot read leaves no way to reach the member: the log is all there is.
      lost++;
      journal.forget(job.id);
      log.error({ err, jobId: job.id, ...job.requester }, 'a job from before the restart could not be restored');
    }
  }

  await Promise.all(reports);
  const summary = { restored, lost, kept };
  if (restored + lost + kept > 0) log.info(summary, 'jobs from before the restart accounted for');
  return summary;
}
