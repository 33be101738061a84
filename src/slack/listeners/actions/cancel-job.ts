import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackContext } from '../../context.js';
import { logRefusal } from '../../logging.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

const NOT_YOURS = 'Only the person who asked for this picture can cancel it.';
const ALREADY_OVER = 'That picture is already finished, so there is nothing to cancel.';

/** The Cancel button on a job's status message; the message itself says "Cancelled" once the queue confirms. */
export function cancelJob(ctx: SlackContext) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const userId = body.user.id;
    const outcome = ctx.jobs.cancel(action.value ?? '', userId);
    ctx.log.info({ userId, jobId: action.value, outcome }, 'cancel button pressed');
    const channel = body.channel?.id;
    if (outcome === 'cancelled' || channel === undefined) return;
    try {
      await client.chat.postEphemeral({
        channel,
        user: userId,
        text: outcome === 'not-yours' ? NOT_YOURS : ALREADY_OVER,
      });
    } catch (err) {
      logRefusal(ctx.log, err);
    }
  };
}
