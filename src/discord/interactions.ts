import { MessageFlags, type Interaction } from 'discord.js';
import { userMessage } from '../jobs/messages.js';
import { worksIn } from './allow-list.js';
import { cancelledJobId, handleCancel } from './cancel-button.js';
import type { Command } from './commands.js';
import type { DiscordContext } from './context.js';
import { readRemixId } from '../jobs/remix/index.js';
import { handleRemix } from './remix-buttons.js';

/** Routes every interaction to its command or button; nothing that goes wrong here leaves the user without an answer. */
export function interactionHandler(context: DiscordContext, commands: readonly Command[]) {
  const byName = new Map(commands.map((command) => [command.data.name, command]));

  return async (interaction: Interaction): Promise<void> => {
    try {
      if (interaction.isAutocomplete()) {
        // Suggestions are only a help for typing; where the bot does not work, the command itself says so.
        await byName.get(interaction.commandName)?.autocomplete?.(interaction, context);
      } else if (interaction.isChatInputCommand()) {
        const command = byName.get(interaction.commandName);
        if (!command) return;
        if (!worksIn(context, interaction.channelId, interaction.channel)) {
          await interaction.reply({ content: context.allowList.whereIWork, flags: MessageFlags.Ephemeral });
          return;
        }
        await command.execute(interaction, context);
      } else if (interaction.isButton()) {
        const jobId = cancelledJobId(interaction.customId);
        if (jobId !== undefined) await handleCancel(context, interaction, jobId);
        const remix = readRemixId(interaction.customId);
        if (remix) await handleRemix(context, interaction, remix.action, remix.jobId);
      }
    } catch (err) {
      context.logger.error({ err, interactionId: interaction.id, userId: interaction.user.id }, 'interaction failed');
      if (!interaction.isRepliable()) return;
      const content = `⚠️ ${userMessage(err)}`;
      const answer =
        interaction.deferred || interaction.replied
          ? interaction.editReply({ content })
          : interaction.reply({ content, flags: MessageFlags.Ephemeral });
      await answer.catch((replyErr: unknown) =>
        context.logger.warn({ err: replyErr }, 'could not tell the user about the failure'),
      );
    }
  };
}
