import type { ReplyTo } from '../jobs/job.js';
import type { MessagePlace } from './slack-jobs.js';

const CHANNEL = /^[CGD][A-Z0-9]+$/;
const TS = /^\d+\.\d+$/;
const FILE = /^F[A-Z0-9]+$/;
const PREVIEW_FILE = 'previewFile';

/** The note, added to a job's replyTo, of the preview file now in its thread. */
export function previewFileReplyTo(fileId: string): ReplyTo {
  return { [PREVIEW_FILE]: fileId };
}

/** The preview file a job's replyTo names, if it names one as previewFileReplyTo wrote it. */
export function readPreviewFile(replyTo: ReplyTo | undefined): string | undefined {
  const file = replyTo?.[PREVIEW_FILE];
  return file !== undefined && FILE.test(file) ? file : undefined;
}

/** The journal's note of where a Slack job reports: its channel, and the thread in it if there is one. */
export function slackReplyTo(place: MessagePlace): ReplyTo {
  return place.threadTs === undefined
    ? { channel: place.channel }
    : { channel: place.channel, threadTs: place.threadTs };
}

/** A Slack job's place read back from the journal; throws when it is not one slackReplyTo wrote. */
export function readSlackReplyTo(replyTo: ReplyTo | undefined): MessagePlace {
  const { channel, threadTs } = replyTo ?? {};
  if (channel === undefined || !CHANNEL.test(channel) || (threadTs !== undefined && !TS.test(threadTs))) {
    throw new Error(`not a Slack job's replyTo: ${JSON.stringify(replyTo)}`);
  }
  return { channel, threadTs };
}
