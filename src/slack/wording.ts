import { chatName } from '../errors.js';
import { JobTooBigError } from '../jobs/fit.js';
import { userMessage } from '../jobs/messages.js';

/** What to tell a Slack user about `err`: settings are spelled as they are typed here, `iterations=120`. */
export function slackMessage(err: unknown): string {
  if (err instanceof JobTooBigError) return err.describe((key, value) => `\`${chatName(key)}=${value}\``);
  return userMessage(err);
}
