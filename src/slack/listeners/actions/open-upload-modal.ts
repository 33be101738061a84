import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackContext } from '../../context.js';
import { logRefusal } from '../../logging.js';
import { uploadModal } from '../../upload-modal.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** The "Upload images" button under the how-to; the trigger expires in 3 s, so the modal opens right after the ack. */
export function openUploadModal(ctx: SlackContext) {
  return async ({ ack, body, client, respond }: Args): Promise<void> => {
    await ack();
    // Bolt types the container loosely; the check below makes it a string.
    const channel: unknown = body.channel?.id ?? body.container.channel_id;
    if (typeof channel !== 'string') return;
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: uploadModal(channel, ctx.deps.limits.options) });
    } catch (err) {
      logRefusal(ctx.log.child({ userId: body.user.id, channel }), err);
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: "I couldn't open the upload form. Please run `/stylize` again.",
      });
    }
  };
}
