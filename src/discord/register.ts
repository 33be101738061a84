import { Routes, type REST } from 'discord.js';
import type { Command } from './commands.js';

/** The application id: configured, or asked of the API. */
export async function applicationId(rest: REST, configured: string | undefined): Promise<string> {
  if (configured !== undefined) return configured;
  const application = (await rest.get(Routes.currentApplication())) as { id: string };
  return application.id;
}

/** Replaces the bot's slash commands: in one guild when `guildId` is set (instant), otherwise globally. */
export async function registerCommands(
  rest: REST,
  appId: string,
  guildId: string | undefined,
  commands: readonly Command[],
): Promise<void> {
  const body = commands.map((command) => command.data);
  const route =
    guildId === undefined ? Routes.applicationCommands(appId) : Routes.applicationGuildCommands(appId, guildId);
  await rest.put(route, { body });
}
