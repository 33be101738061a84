import { MessageFlags, type ChatInputCommandInteraction, type ThreadChannel } from 'discord.js';
import type { StylizeOptions } from '../../engine/types.js';
import { UserError } from '../../errors.js';
import { inputSides } from '../../jobs/fetch-image.js';
import { userMessage } from '../../jobs/messages.js';
import type { Preset } from '../../jobs/presets.js';
import { resolveOptions } from '../../options/index.js';
import type { GeneratedOptions } from '../commands.js';
import type { DiscordContext } from '../context.js';
import type { Reservation } from '../../jobs/queue.js';
import { fetchDiscordImage } from '../images.js';
import { runJob, startResultThread } from '../job-status.js';
import { discordOptionFields, readDiscordOptions } from '../options.js';
import { InteractionReplyTarget } from '../status-target.js';

/** Checks what can be checked without downloading, so mistakes get a quick private answer. */
function readRequest(interaction: ChatInputCommandInteraction, context: DiscordContext): { preset: Preset | undefined; options: StylizeOptions } {
  const { presets, limits } = context.deps;
  const args = interaction.options;
  const presetName = args.getString('preset');
  const preset = presetName === null ? undefined : presets.byName(presetName);
  if (presetName !== null && preset === undefined) {
    throw new UserError('unknown-preset', `I don't know the preset "${presetName}". Pick one from the list.`);
  }
  const hasStyle = args.getAttachment('style') !== null;
  if (!hasStyle && !preset) {
    throw new UserError('no-style', 'I need a style to paint in: attach a `style` image or pick a `preset`.');
  }
  if (hasStyle && preset) {
    throw new UserError('two-styles', 'Give me either a `style` image or a `preset`, not both.');
  }
  const options = resolveOptions(readDiscordOptions(args), limits.options, preset?.base ?? presets.defaults);
  return { preset, options };
}

/** The settings, generated from the option schema; commands/stylize.json has the images and the preset. */
export const generatedOptions: GeneratedOptions = discordOptionFields;

async function resultThread(interaction: ChatInputCommandInteraction, target: InteractionReplyTarget, name: string): Promise<ThreadChannel> {
  if (interaction.channel?.isThread()) return interaction.channel;
  const reply = target.reply ?? (await interaction.fetchReply());
  return startResultThread(reply, name);
}

export async function execute(interaction: ChatInputCommandInteraction, context: DiscordContext): Promise<void> {
  let request: ReturnType<typeof readRequest>;
  try {
    request = readRequest(interaction, context);
  } catch (err) {
    await interaction.reply({ content: userMessage(err), flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.deferReply();
  const { preset, options } = request;
  const { deps, logger } = context;
  const user = interaction.user;
  logger.info({ userId: user.id, interactionId: interaction.id, ackMs: Date.now() - interaction.createdTimestamp, preset: preset?.name }, '/stylize');
  const requester = { platform: 'discord', userId: user.id };
  let reservation: Reservation | undefined;
  try {
    reservation = deps.queue.reserve(requester, options);
    const contentAttachment = interaction.options.getAttachment('content', true);
    const styleAttachment = interaction.options.getAttachment('style');
    const sides = inputSides(options, deps.limits.options.maxSize);
    const [content, style] = await deps.inputs.run(() =>
      Promise.all([
        fetchDiscordImage(context, contentAttachment.url, 'content image', sides.content),
        styleAttachment
          ? fetchDiscordImage(context, styleAttachment.url, 'style image', sides.style)
          : preset!.loadStyle(),
      ]),
    );
    const label = preset?.title ?? 'Custom style';
    const target = new InteractionReplyTarget(interaction, context.config.tokenTtlMs);
    runJob(context, {
      spec: { requester, content, styles: [style], options, label },
      status: target,
      resultThread: () => resultThread(interaction, target, `${label} for ${user.displayName}`),
      reservation,
    });
  } catch (err) {
    reservation?.release();
    if (!(err instanceof UserError)) logger.error({ err, userId: user.id }, '/stylize failed before queueing');
    await interaction.editReply({ content: `⚠️ ${userMessage(err)}` });
  }
}
