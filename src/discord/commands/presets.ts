import { AttachmentBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { creditLines } from '../../gallery/index.js';
import { userMessage } from '../../jobs/messages.js';
import type { DiscordContext } from '../context.js';

/** How to use what the gallery shows, above its credits. */
const HOW_TO = 'React to any picture with one of these emoji, or use `/stylize preset:`.';

/**
 * `/presets`: the gallery, one picture of every preset applied to the same photo, with the credits as text. The
 * first one may take a while to paint, so the reply is deferred; after that it is kept.
 */
export async function execute(interaction: ChatInputCommandInteraction, context: DiscordContext): Promise<void> {
  await interaction.deferReply();
  try {
    const { png, presets } = await context.deps.gallery.picture();
    const credits = creditLines(
      presets,
      (preset) => preset.emoji,
      (name) => `**${name}**`,
    );
    await interaction.editReply({
      content: [HOW_TO, ...credits].join('\n'),
      files: [new AttachmentBuilder(png, { name: 'presets.png' })],
      allowedMentions: { parse: [] },
    });
  } catch (err) {
    context.logger.warn({ err }, '/presets failed');
    await interaction.editReply({ content: `⚠️ ${userMessage(err)}` });
  }
}
