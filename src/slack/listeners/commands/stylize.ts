import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { slackMessage } from '../../wording.js';
import { howToView } from '../../blocks.js';
import { parseStylizeCommand } from '../../command-text.js';
import type { SlackContext } from '../../context.js';
import { logRefusal } from '../../logging.js';
import { findPreset, paint, settingsFor } from '../../paint.js';
import { recentImages } from '../../recent-images.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * `/stylize [preset] [key=value …]`: paints the user's newest image in the style of the one before it,
 * or of a preset; `/stylize cancel` stops their jobs. Acks at once; everything slow happens after.
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
        await reply(cancelled === 0 ? "You don't have any pictures in progress." : `Cancelled ${cancelled === 1 ? 'your picture' : `your ${cancelled} pictures`}.`);
        return;
      }
      const preset = request.preset === undefined ? undefined : findPreset(ctx, request.preset);
      const options = settingsFor(ctx, preset, request.options);
      const images = await recentImages(client, channel, userId);
      const newest = images.at(-1);
      const content = preset ? newest : images.at(-2);
      if (newest === undefined || content === undefined) {
        await respond({ response_type: 'ephemeral', ...howToView(images.length, ctx.deps.presets.list().map((p) => p.name)) });
        return;
      }
      const jobId = await paint(ctx, {
        userId,
        place: { channel, threadTs: newest.threadTs },
        contentUrl: content.url,
        style: preset ? { preset } : { url: newest.url },
        options,
      });
      log.info({ jobId, preset: preset?.name }, 'slack job requested');
    } catch (err) {
      logRefusal(log, err);
      await reply(slackMessage(err));
    }
  };
}
