import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { slackMessage } from '../../wording.js';
import { howToView } from '../../blocks.js';
import { parseStylizeCommand } from '../../command-text.js';
import { planPreset } from '../../../jobs/presets.js';
import type { SlackContext } from '../../context.js';
import { postGallery } from '../../gallery.js';
import { logRefusal } from '../../logging.js';
import { findPreset, imageStyle, paint, settingsFor, type PaintStyle } from '../../paint.js';
import { recentImages } from '../../recent-images.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * `/stylize [preset] [key=value …]`: paints the user's newest image in the style of the one before it,
 * or of a preset; `/stylize cancel` stops their jobs, `/stylize presets` shows the gallery. Acks at once;
 * everything slow happens after.
 */
export function stylize(ctx: SlackContext) {
  return async ({ ack, command, respond, client }: Args): Promise<void> => {
    await ack();
    const { user_id: userId, channel_id: channel } = command;
    const log = ctx.log.child({ userId, channel, command: command.command });
    const reply = (text: string): Promise<unknown> => respond({ response_type: 'ephemeral', text });
    try {
      if (!ctx.allowList.allows(channel)) {
        await reply(ctx.allowList.whereIWork);
        return;
      }
      const request = parseStylizeCommand(command.text);
      if (request.kind === 'cancel') {
        const cancelled = ctx.jobs.cancelAllOf(userId);
        await reply(
          cancelled === 0
            ? "You don't have any pictures in progress."
            : `Cancelled ${cancelled === 1 ? 'your picture' : `your ${cancelled} pictures`}.`,
        );
        return;
      }
      if (request.kind === 'gallery') {
        await postGallery(ctx, client, userId, { channel, threadTs: undefined });
        return;
      }
      const { deps } = ctx;
      const preset = request.preset === undefined ? undefined : findPreset(ctx, request.preset);
      // Checked before anything is read from the channel, so a mistake is answered at once.
      const plan = preset && planPreset(preset, request.options, deps.limits.options, deps.presets.defaults);
      if (!plan) settingsFor(ctx, request.options);
      const images = await recentImages(client, channel, userId);
      const newest = images.at(-1);
      const content = preset ? newest : images.at(-2);
      if (newest === undefined || content === undefined) {
        const ids = deps.presets.list().map((p) => p.id);
        await respond({ response_type: 'ephemeral', ...howToView(images.length, ids) });
        return;
      }
      const style: PaintStyle = plan ? { kind: 'preset', plan } : imageStyle(ctx, newest.url, request.options);
      const place = { channel, threadTs: newest.threadTs };
      const jobId = await paint(ctx, { userId, place, contentUrl: content.url, style });
      log.info({ jobId, preset: preset?.id }, 'slack job requested');
    } catch (err) {
      logRefusal(log, err);
      await reply(slackMessage(err));
    }
  };
}
