import { App } from '@slack/bolt';
import type { SlackConfig } from '../config/slack.js';
import { AllowList } from '../jobs/allow-list.js';
import type { PlatformDeps, RunningPlatform } from '../jobs/platform.js';
import type { SlackContext } from './context.js';
import { registerListeners } from './listeners/index.js';
import { boltLogger, describeSlackError } from './logging.js';
import { PLATFORM, SlackJobs } from './slack-jobs.js';

/** Connects to Slack (Socket Mode, or HTTP when configured) and answers /stylize, preset reactions, buttons and the upload modal. */
export async function startSlack(deps: PlatformDeps, config: SlackConfig): Promise<RunningPlatform> {
  const log = deps.logger.child({ platform: PLATFORM });
  const { connection } = config;
  const app = new App({
    token: config.botToken,
    logger: boltLogger(log),
    clientOptions: config.apiUrl === undefined ? {} : { slackApiUrl: config.apiUrl },
    ...(connection.mode === 'socket' ? { socketMode: true, appToken: connection.appToken } : { signingSecret: connection.signingSecret }),
  });
  const ctx: SlackContext = {
    deps,
    config,
    log,
    jobs: new SlackJobs(deps, app.client, config.progressIntervalMs, log),
    allowList: new AllowList(config.channels),
  };
  registerListeners(app, ctx);
  app.error((error) => {
    log.error({ err: describeSlackError(error) }, 'a Slack listener failed');
    return Promise.resolve();
  });

  const startedAt = Date.now();
  await (connection.mode === 'socket' ? app.start() : app.start(connection.port));
  log.info({ mode: connection.mode, ms: Date.now() - startedAt, channels: config.channels }, 'Slack connected');
  return {
    name: PLATFORM,
    async stop() {
      await app.stop();
      log.info('Slack disconnected');
    },
  };
}
