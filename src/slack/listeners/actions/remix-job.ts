import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { readRemixId, REMIX_REFUSALS, type RemixPress } from '../../../jobs/remix/index.js';
import type { SlackContext } from '../../context.js';
import { logRefusal } from '../../logging.js';
import { PLATFORM } from '../../slack-jobs.js';
import { slackMessage } from '../../wording.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** The thread a button's message is in, or starts; Bolt types the message loosely, so it is checked here. */
function threadOf(message: unknown): string | undefined {
  const { ts, thread_ts: threadTs } = (message ?? {}) as { ts?: unknown; thread_ts?: unknown };
  if (typeof threadTs === 'string') return threadTs;
  return typeof ts === 'string' ? ts : undefined;
}

const EXPIRED: RemixPress = { kind: 'refused', reason: 'expired', message: REMIX_REFUSALS.expired };

/**
 * A remix button under a result: the Remixer decides, a refusal is told to the presser alone, and the new job
 * reports in the thread the button is in, like any other job, with buttons of its own once it is done.
 */
export function remixJob(ctx: SlackContext) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const userId = body.user.id;
    const channel = body.channel?.id;
    const pressed = readRemixId(action.action_id);
    const log = ctx.log.child({ userId, channel, jobId: pressed?.jobId, action: pressed?.action });
    if (!pressed || channel === undefined) return;
    const { remix } = ctx.deps;
    const outcome = remix ? await remix.press(pressed.jobId, pressed.action, { platform: PLATFORM, userId }) : EXPIRED;
    let refusal = outcome.kind === 'refused' ? outcome.message : undefined;
    if (outcome.kind === 'remix') {
      const threadTs = threadOf(body.message);
      try {
        const jobId = ctx.jobs.start({ channel, threadTs }, outcome.spec, outcome.reservation);
        log.info({ remixJobId: jobId }, 'remix queued');
      } catch (err) {
        outcome.reservation.release();
        refusal = slackMessage(err);
      }
    }
    if (refusal === undefined) return;
    log.info({ reason: outcome.kind === 'refused' ? outcome.reason : 'turned-away' }, 'remix refused');
    try {
      await client.chat.postEphemeral({ channel, user: userId, text: refusal });
    } catch (err) {
      logRefusal(log, err);
    }
  };
}
