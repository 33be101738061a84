/**
 * The channels a platform's operator lets the bot work in; empty means everywhere. Both platforms
 * write channel mentions as <#id>, so the answer outside the list is worded here, once.
 */
export class AllowList {
  readonly #channels: readonly string[];

  constructor(channels: readonly string[]) {
    this.#channels = channels;
  }

  /** Whether the bot works in a channel; pass a thread's parent too, since a thread counts as its channel. */
  allows(channelId: string, parentId?: string | null): boolean {
    if (this.#channels.length === 0) return true;
    return this.#channels.includes(channelId) || (typeof parentId === 'string' && this.#channels.includes(parentId));
  }

  /** The polite answer outside the list, naming where the bot does work. */
  get whereIWork(): string {
    const mentions = this.#channels.map((id) => `<#${id}>`);
    const list =
      mentions.length > 1 ? `${mentions.slice(0, -1).join(', ')} or ${mentions.at(-1) ?? ''}` : (mentions[0] ?? '');
    return `Sorry, I only paint in ${list}. Come and find me there! 🎨`;
  }
}
