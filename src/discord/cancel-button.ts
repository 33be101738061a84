import { ButtonBuilder, ButtonStyle, MessageFlags, type ButtonInteraction } from 'discord.js';
import type { DiscordContext } from './context.js';

const PREFIX = 'easel:cancel:';

export function cancelButton(jobId: string): ButtonBuilder {
  return new ButtonBuilder().setCustomId(`${PREFIX}${jobId}`).setLabel('Cancel').setStyle(ButtonStyle.Secondary);
}

/** The job a cancel button belongs to, or undefined for any other button. */
export function cancelledJobId(customId: string): string | undefined {
  return customId.startsWith(PREFIX) ? customId.slice(PREFIX.length) : undefined;
}

const REPLIES = {
  cancelled: "Okay, I've stopped it.",
  'not-yours': "That's someone else's job; you can only cancel your own.",
  'not-found': 'That job has already finished.',
} as const;

export async function handleCancel(
  context: DiscordContext,
  interaction: ButtonInteraction,
  jobId: string,
): Promise<void> {
  const outcome = context.deps.queue.cancel(jobId, interaction.user.id);
  context.logger.info({ jobId, userId: interaction.user.id, outcome }, 'cancel button');
  await interaction.reply({ content: REPLIES[outcome], flags: MessageFlags.Ephemeral });
}
