import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewOutput, ViewSubmitAction } from '@slack/bolt';
import { UserError } from '../../../errors.js';
import { slackMessage } from '../../wording.js';
import type { SlackContext } from '../../context.js';
import { logRefusal } from '../../logging.js';
import { imageStyle, paint, settingsFor } from '../../paint.js';
import { fieldState, filledOptions, UPLOAD_FIELDS } from '../../upload-modal.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

function fileUrl(view: ViewOutput, blockId: string): string | undefined {
  const file = fieldState(view, blockId)?.files?.[0];
  return file?.url_private_download ?? file?.url_private;
}

/** The channel the modal was opened from, as the modal itself recorded it. */
function channelOf(view: ViewOutput): string | undefined {
  try {
    const metadata: unknown = JSON.parse(view.private_metadata);
    const channel = (metadata as { channel?: unknown } | null)?.channel;
    return typeof channel === 'string' ? channel : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The upload modal's Paint button. Problems with the form are shown next to the field and keep the
 * modal open; problems with the images come afterwards, as a message only the user sees.
 */
export function uploadSubmitted(ctx: SlackContext) {
  return async ({ ack, view, body, client }: Args): Promise<void> => {
    const userId = body.user.id;
    const channel = channelOf(view);
    const contentUrl = fileUrl(view, UPLOAD_FIELDS.content);
    const styleUrl = fileUrl(view, UPLOAD_FIELDS.style);
    const errors: Record<string, string> = {};
    if (contentUrl === undefined) errors[UPLOAD_FIELDS.content] = 'Add the photo to repaint.';
    if (styleUrl === undefined) errors[UPLOAD_FIELDS.style] = 'Add the style image.';
    const settings: Record<string, string> = {};
    for (const { key, blockId, value } of filledOptions(view)) {
      try {
        // One at a time, so the message lands under the field it is about.
        settingsFor(ctx, { [key]: value });
        settings[key] = value;
      } catch (err) {
        errors[blockId] = slackMessage(err);
      }
    }
    if (channel === undefined)
      errors[UPLOAD_FIELDS.content] = 'I lost track of where to post this; please run `/stylize` again.';
    if (Object.keys(errors).length > 0 || contentUrl === undefined || styleUrl === undefined || channel === undefined) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();

    const log = ctx.log.child({ userId, channel });
    try {
      if (!ctx.allowList.allows(channel)) throw new UserError('wrong-channel', ctx.allowList.whereIWork);
      const style = imageStyle(ctx, styleUrl, settings);
      const jobId = await paint(ctx, { userId, place: { channel, threadTs: undefined }, contentUrl, style });
      log.info({ jobId }, 'slack job requested');
    } catch (err) {
      logRefusal(log, err);
      await client.chat
        .postEphemeral({ channel, user: userId, text: slackMessage(err) })
        .catch((postErr: unknown) => logRefusal(log, postErr));
    }
  };
}
