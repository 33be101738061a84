import { REST } from 'discord.js';
import { loadConfig } from '../config/index.js';
import { ConfigError } from '../config/env.js';
import { UserError } from '../errors.js';
import { loadCommands } from './commands.js';
import { applicationId, registerCommands } from './register.js';

/** `npm run register`: registers the slash commands without starting the bot. */
async function main(): Promise<void> {
  const config = loadConfig();
  const discord = config.discord;
  if (!discord) throw new ConfigError('Set DISCORD_TOKEN to register the slash commands.');
  const commands = await loadCommands(config.limits.options);
  const rest = new REST(discord.apiUrl ? { api: discord.apiUrl } : {}).setToken(discord.token);
  const appId = await applicationId(rest, discord.applicationId);
  await registerCommands(rest, appId, discord.guildId, commands);
  const names = commands.map((command) => `/${command.data.name}`).join(', ');
  console.log(
    `Registered ${names} ${discord.guildId ? `in guild ${discord.guildId}` : 'globally (may take up to an hour to appear)'}.`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof UserError ? err.message : err);
  process.exitCode = 1;
});
