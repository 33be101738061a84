import {
  MessageFlags,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type ThreadChannel,
} from 'discord.js';
import type { StylizeOptions } from '../../engine/types.js';
import { UserError } from '../../errors.js';
import { fingerprint } from '../../images/fingerprint.js';
import { inputSides } from '../../jobs/fetch-image.js';
import type { JobRequester, JobSpec } from '../../jobs/job.js';
import { userMessage } from '../../jobs/messages.js';
import {
  emojiLabel,
  planPreset,
  presetContentSide,
  presetJob,
  reservePreset,
  suggestPresets,
  type PresetPlan,
} from '../../jobs/presets.js';
import type { Reservation } from '../../jobs/queue.js';
import { recipeFor, type Recipe } from '../../jobs/recipe.js';
import { resolveOptions } from '../../options/index.js';
import type { GeneratedOptions } from '../commands.js';
import type { DiscordContext } from '../context.js';
import { fetchDiscordImage } from '../images.js';
import { runJob, startResultThread } from '../job-status.js';
import { discordReplyTo } from '../restore.js';
import { discordOptionFields, readDiscordOptions } from '../options.js';
import { InteractionReplyTarget } from '../status-target.js';

/** Discord shows at most 25 suggestions. */
const MAX_SUGGESTIONS = 25;

/** A style image of the member's own with their settings, or a preset's plan. */
type StyleRequest =
  | { readonly kind: 'image'; readonly options: StylizeOptions; readonly recipe: Recipe }
  | { readonly kind: 'preset'; readonly plan: PresetPlan };

/** Checks what can be checked without downloading, so mistakes get a quick private answer. */
function readRequest(interaction: ChatInputCommandInteraction, context: DiscordContext): StyleRequest {
  const { presets, limits } = context.deps;
  const args = interaction.options;
  const typed = args.getString('preset');
  const preset = typed === null ? undefined : presets.find(typed);
  if (typed !== null && preset === undefined) {
    throw new UserError('unknown-preset', `I don't know the preset "${typed}". Pick one from the list.`);
  }
  const hasStyle = args.getAttachment('style') !== null;
  if (!hasStyle && !preset) {
    throw new UserError('no-style', 'I need a style to paint in: attach a `style` image or pick a `preset`.');
  }
  if (hasStyle && preset) {
    throw new UserError('two-styles', 'Give me either a `style` image or a `preset`, not both.');
  }
  const asked = readDiscordOptions(args);
  if (preset) return { kind: 'preset', plan: planPreset(preset, asked, limits.options, presets.defaults) };
  const options = resolveOptions(asked, limits.options, presets.defaults);
  return { kind: 'image', options, recipe: recipeFor(asked, limits.options) };
}

/** The settings, generated from the option schema; commands/stylize.json has the images and the preset. */
export const generatedOptions: GeneratedOptions = discordOptionFields;

/** Suggests presets for what the member is typing into `preset:`, by name, id, Slack name or emoji. */
export async function autocomplete(interaction: AutocompleteInteraction, context: DiscordContext): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const found = focused.name === 'preset' ? suggestPresets(context.deps.presets, focused.value, MAX_SUGGESTIONS) : [];
  const choices = found.map((preset) => ({ name: `${emojiLabel(preset.emoji)} ${preset.name}`, value: preset.id }));
  await interaction.respond(choices);
}

/**
 * The thread the result goes to: the one the command was run in; else the one this member's photo was painted in
 * before, in this channel, so that one photo's tries stay together; else a new one on the reply.
 */
async function resultThread(
  interaction: ChatInputCommandInteraction,
  context: DiscordContext,
  target: InteractionReplyTarget,
  photo: bigint,
  name: string,
): Promise<ThreadChannel> {
  if (interaction.channel?.isThread()) return interaction.channel;
  const { photoThreads } = context;
  const { channelId, user } = interaction;
  const known = photoThreads.find(channelId, user.id, photo);
  if (known !== undefined) {
    const thread = await interaction.client.channels.fetch(known).catch(() => null);
    if (thread?.isThread() && !thread.locked) return thread;
    photoThreads.forget(known);
  }
  const reply = target.reply ?? (await interaction.fetchReply());
  const thread = await startResultThread(reply, name);
  photoThreads.remember(channelId, user.id, photo, thread.id);
  return thread;
}

/** Downloads what the request needs (through the input limiter) and builds its job. */
async function buildJob(
  interaction: ChatInputCommandInteraction,
  context: DiscordContext,
  request: StyleRequest,
  requester: JobRequester,
): Promise<JobSpec> {
  const contentUrl = interaction.options.getAttachment('content', true).url;
  const styleUrl = interaction.options.getAttachment('style')?.url;
  const { maxSize } = context.deps.limits.options;
  if (request.kind === 'preset') {
    const side = presetContentSide(request.plan, maxSize);
    const content = await context.deps.inputs.run(() => fetchDiscordImage(context, contentUrl, 'content image', side));
    return presetJob(request.plan, requester, content);
  }
  const sides = inputSides(request.options, maxSize);
  const [content, style] = await context.deps.inputs.run(() =>
    Promise.all([
      fetchDiscordImage(context, contentUrl, 'content image', sides.content),
      fetchDiscordImage(context, styleUrl!, 'style image', sides.style),
    ]),
  );
  const { options, recipe } = request;
  return { kind: 'gatys', requester, content, styles: [style], options, recipe, label: 'Custom style' };
}

export async function execute(interaction: ChatInputCommandInteraction, context: DiscordContext): Promise<void> {
  let request: StyleRequest;
  try {
    request = readRequest(interaction, context);
  } catch (err) {
    await interaction.reply({ content: userMessage(err), flags: MessageFlags.Ephemeral });
    return;
  }
  await interaction.deferReply();
  const { deps, logger } = context;
  const user = interaction.user;
  const preset = request.kind === 'preset' ? request.plan.preset.id : undefined;
  const ackMs = Date.now() - interaction.createdTimestamp;
  logger.info({ userId: user.id, interactionId: interaction.id, ackMs, preset }, '/stylize');
  const requester = { platform: 'discord', userId: user.id };
  let reservation: Reservation | undefined;
  try {
    reservation =
      request.kind === 'preset'
        ? reservePreset(deps.queue, requester, request.plan)
        : deps.queue.reserve(requester, request.options);
    const spec = await buildJob(interaction, context, request, requester);
    const photo = await fingerprint(spec.content);
    const target = new InteractionReplyTarget(interaction, context.config.tokenTtlMs);
    runJob(context, {
      spec: { ...spec, replyTo: discordReplyTo(interaction.channelId) },
      status: target,
      // A network's pass takes under a second: its result goes on the reply itself, with nothing else.
      resultThread:
        spec.kind === 'network'
          ? () => Promise.resolve(undefined)
          : () => resultThread(interaction, context, target, photo, `${spec.label} for ${user.displayName}`),
      reservation,
    });
  } catch (err) {
    reservation?.release();
    if (!(err instanceof UserError)) logger.error({ err, userId: user.id }, '/stylize failed before queueing');
    await interaction.editReply({ content: `⚠️ ${userMessage(err)}` });
  }
}
