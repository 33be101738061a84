import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, Partials, Status } from 'discord.js';
import { Agent } from 'undici';
import type { DiscordConfig } from '../config/discord.js';
import { AllowList } from '../jobs/allow-list.js';
import type { PlatformDeps, RunningPlatform } from '../jobs/platform.js';
import { loadCommands } from './commands.js';
import type { DiscordContext } from './context.js';
import { interactionHandler } from './interactions.js';
import { PhotoThreads } from './photo-threads.js';
import { presetReactionHandler } from './reactions.js';
import { registerCommands } from './register.js';
import { discordRestorer } from './restore.js';

function createClient(config: DiscordConfig): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.MessageContent,
    ],
    // Reactions on messages from before the bot started arrive without the message, channel or reaction cached.
    partials: [Partials.Message, Partials.Channel, Partials.Reaction],
    // An agent of our own: another undici in the process (Slack's Socket Mode ships v7) can replace the global
    // dispatcher, and discord.js's undici 6 cannot send its form bodies through a v7 one.
    rest: { agent: new Agent(), ...(config.apiUrl ? { api: config.apiUrl } : {}) },
  });
}

/** Connects to Discord, registers the slash commands, and starts answering. */
export async function startDiscord(deps: PlatformDeps, config: DiscordConfig): Promise<RunningPlatform> {
  const logger = deps.logger.child({ platform: 'discord' });
  const context: DiscordContext = {
    deps,
    config,
    logger,
    allowList: new AllowList(config.channels),
    photoThreads: new PhotoThreads({ dataDir: deps.dataDir, logger }),
  };
  const commands = await loadCommands(deps.limits.options);
  const client = createClient(config);

  // discord.js emitters capture rejections from async listeners and re-emit them as 'error'; unheard, that would end the process.
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.ShardError, (err, shardId) => logger.warn({ err, shardId }, 'discord connection error'));
  client.on(Events.Warn, (message) => logger.warn(message));
  const onInteraction = interactionHandler(context, commands);
  client.on(Events.InteractionCreate, (interaction) => {
    onInteraction(interaction).catch((err: unknown) =>
      logger.error({ err, interactionId: interaction.id }, 'interaction failed'),
    );
  });
  const onReaction = presetReactionHandler(context);
  client.on(Events.MessageReactionAdd, (reaction, user) => {
    onReaction(reaction, user).catch((err: unknown) =>
      logger.error({ err, messageId: reaction.message.id, userId: user.id }, 'preset reaction failed'),
    );
  });

  const ready = once(client, Events.ClientReady);
  await client.login(config.token);
  await ready;
  const appId = config.applicationId ?? client.application?.id;
  if (appId === undefined) throw new Error('Discord did not say which application this bot is');
  await registerCommands(client.rest, appId, config.guildId, commands);
  logger.info(
    { user: client.user?.tag, commands: commands.map((c) => c.data.name), scope: config.guildId ? 'guild' : 'global' },
    'discord ready',
  );

  return {
    name: 'discord',
    // The client stays "ready" while a shard reconnects; the shards say whether the gateway is there now.
    connected: () => client.isReady() && client.ws.shards.every((shard) => shard.status === Status.Ready),
    restorer: discordRestorer(context, client),
    stop: async () => {
      await client.destroy();
      context.photoThreads.close();
    },
  };
}
