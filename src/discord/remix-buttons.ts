import { MessageFlags, type ButtonInteraction, type ThreadChannel } from 'discord.js';
import { REMIX_REFUSALS, type RemixAction } from '../jobs/remix/index.js';
import type { DiscordContext } from './context.js';
import { runJob, startResultThread } from './job-status.js';
import { discordReplyTo } from './restore.js';
import { InteractionReplyTarget } from './status-target.js';

/** The thread the remix's result goes to: the one the button is in, else the one on the button's message. */
async function threadOf(interaction: ButtonInteraction, name: string): Promise<ThreadChannel> {
  // After a restart the thread is not in the client's cache yet.
  const channel =
    interaction.channel ?? (await interaction.client.channels.fetch(interaction.channelId).catch(() => null));
  if (channel?.isThread()) return channel;
  return interaction.message.thread ?? startResultThread(interaction.message, name);
}

/**
 * A remix button: the Remixer decides (only the member who asked, inputs still kept, room in line); a refusal is
 * answered privately, and a new job is answered in public like /stylize, its result in the same thread as the one
 * remixed, with buttons of its own.
 */
export async function handleRemix(
  context: DiscordContext,
  interaction: ButtonInteraction,
  action: RemixAction,
  jobId: string,
): Promise<void> {
  const { remix } = context.deps;
  const presser = { platform: 'discord', userId: interaction.user.id };
  const outcome = remix
    ? await remix.press(jobId, action, presser)
    : ({ kind: 'refused', reason: 'expired', message: REMIX_REFUSALS.expired } as const);
  context.logger.info(
    { jobId, action, userId: presser.userId, outcome: outcome.kind === 'refused' ? outcome.reason : 'queued' },
    'remix button',
  );
  if (outcome.kind === 'refused') {
    await interaction.reply({ content: outcome.message, flags: MessageFlags.Ephemeral });
    return;
  }
  const { spec, reservation } = outcome;
  try {
    await interaction.deferReply();
  } catch (err) {
    reservation.release();
    throw err;
  }
  const name = `${spec.label} for ${interaction.user.displayName}`;
  runJob(context, {
    spec: { ...spec, replyTo: discordReplyTo(interaction.channelId) },
    status: new InteractionReplyTarget(interaction, context.config.tokenTtlMs),
    // A network's pass takes under a second: its result goes on the reply, as for /stylize.
    resultThread: spec.kind === 'network' ? () => Promise.resolve(undefined) : () => threadOf(interaction, name),
    reservation,
  });
}
