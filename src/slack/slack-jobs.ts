import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RgbImage, StylizeOptions } from '../engine/types.js';
import type { CancelOutcome, JobEvent } from '../jobs/job.js';
import { cancelledLine, doneLine, progressLine, queueLine, settingsLine, startedLine } from '../jobs/messages.js';
import type { PlatformDeps } from '../jobs/platform.js';
import { jobView } from './blocks.js';
import { JobMessage, type MessagePlace } from './job-message.js';
import { describeSlackError } from './logging.js';

export const PLATFORM = 'slack';

export interface SlackJobRequest {
  readonly userId: string;
  readonly place: MessagePlace;
  readonly content: RgbImage;
  readonly styles: readonly RgbImage[];
  readonly options: StylizeOptions;
  readonly label: string;
}

const UPLOAD_FAILED = "I finished the picture but couldn't upload it here. Please try again in a minute.";

/** Runs Slack users' jobs through the shared queue and keeps each one's status message current. */
export class SlackJobs {
  readonly #deps: PlatformDeps;
  readonly #client: webApi.WebClient;
  readonly #intervalMs: number;
  readonly #log: Logger;
  /** Unfinished jobs started from Slack, by id, with the user who asked. */
  readonly #active = new Map<string, string>();

  constructor(deps: PlatformDeps, client: webApi.WebClient, intervalMs: number, log: Logger) {
    this.#deps = deps;
    this.#client = client;
    this.#intervalMs = intervalMs;
    this.#log = log;
  }

  /** Queues a job and returns its id; throws the queue's UserErrors when it cannot take it. */
  start(request: SlackJobRequest): string {
    const { userId, place, content, styles, options, label } = request;
    const handle = this.#deps.queue.submit(
      { requester: { platform: PLATFORM, userId }, content, styles, options, label },
      // Events arrive asynchronously, so `job` is set by the time the first one does.
      (event) => this.#onEvent(event, job),
    );
    const log = this.#log.child({ jobId: handle.id, userId, channel: place.channel });
    const job: RunningJob = {
      id: handle.id,
      request,
      log,
      requestedAt: Date.now(),
      message: new JobMessage(this.#client, place, this.#intervalMs, log),
    };
    this.#active.set(handle.id, userId);
    void handle.done.then(() => this.#active.delete(handle.id));
    return handle.id;
  }

  cancel(jobId: string, userId: string): CancelOutcome {
    return this.#deps.queue.cancel(jobId, userId);
  }

  /** Cancels every unfinished Slack job of `userId`; returns how many there were. */
  cancelAllOf(userId: string): number {
    const mine = [...this.#active].filter(([, owner]) => owner === userId).map(([id]) => id);
    return mine.filter((id) => this.#deps.queue.cancel(id, userId) === 'cancelled').length;
  }

  async #onEvent(event: JobEvent, job: RunningJob): Promise<void> {
    const { id, request, message } = job;
    const status = (line: string): string => `*${request.label}* · ${line}`;
    switch (event.type) {
      case 'queued':
      case 'moved':
        return message.show(jobView(status(queueLine(event.position, event.etaMs)), id));
      case 'started':
        return message.show(jobView(status(startedLine(event.etaMs)), id));
      case 'progress':
        return message.show(jobView(status(progressLine(event.progress)), id));
      case 'failed':
        return message.finish(jobView(status(event.message)));
      case 'cancelled':
        return message.finish(jobView(status(cancelledLine(event.reason))));
      case 'done': {
        const done = doneLine(event.result);
        const uploaded = await this.#upload(job, event.png, `${done}\n${settingsLine(request.label, request.options)}`);
        job.log.info({ engineMs: event.result.ms, totalMs: Date.now() - job.requestedAt, uploaded }, 'slack job delivered');
        return message.finish(jobView(status(uploaded ? done : UPLOAD_FAILED)));
      }
    }
  }

  async #upload(job: RunningJob, png: Buffer, caption: string): Promise<boolean> {
    const { request, message } = job;
    const threadTs = request.place.threadTs ?? message.ts;
    try {
      const destination = threadTs ? { channel_id: request.place.channel, thread_ts: threadTs } : { channel_id: request.place.channel };
      await this.#client.filesUploadV2({
        ...destination,
        file: png,
        filename: `easel-${request.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.png`,
        title: request.label,
        initial_comment: `<@${request.userId}> here you go! ${caption}`,
      });
      return true;
    } catch (err) {
      job.log.error({ err: describeSlackError(err) }, 'could not upload the result');
      return false;
    }
  }
}

interface RunningJob {
  readonly id: string;
  readonly request: SlackJobRequest;
  readonly message: JobMessage;
  readonly log: Logger;
  readonly requestedAt: number;
}
