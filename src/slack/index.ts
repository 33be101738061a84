import { App, SocketModeReceiver } from '@slack/bolt';
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
  const logger = boltLogger(log);
  const clientOptions = config.apiUrl === undefined ? {} : { slackApiUrl: config.apiUrl };
  // A receiver of our own in Socket Mode, to follow its connection as it drops and comes back.
  const socket =
    connection.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: connection.appToken,
          logger,
          logLevel: logger.getLevel(),
          installerOptions: { clientOptions },
        })
      : undefined;
  const app = new App({
    token: config.botToken,
    logger,
    clientOptions,
    ...(connection.mode === 'socket' ? { receiver: socket } : { signingSecret: connection.signingSecret }),
  });
  let connected = false;
  socket?.client.on('connected', () => (connected = true));
  socket?.client.on('disconnected', () => (connected = false));
  socket?.client.on('reconnecting', () => (connected = false));
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
  // In HTTP mode Slack calls in; being connected is listening.
  if (!socket) connected = true;
  log.info({ mode: connection.mode, ms: Date.now() - startedAt, channels: config.channels }, 'Slack connected');
  return {
    name: PLATFORM,
    connected: () => connected,
    restorer: ctx.jobs,
    async stop() {
      connected = false;
      await app.stop();
      log.info('Slack disconnected');
    },
  };
}
