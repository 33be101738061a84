import { RUNTIME_NAMES } from '../engine/runtimes/names.js';
import { host, httpUrl, integer, list, matching, oneOf, path, pathOrUrl, text, type Rule } from './rules.js';

/**
 * One setting: its environment variable, how its value is read, and a line of help for the README. Its key (the path
 * in config/default.json) is where it sits in SETTINGS, and its default is the value at that path there.
 */
export class Setting<T> {
  /** The value's type; set by the constructors below, never at run time. */
  declare readonly value: T;

  constructor(
    readonly env: string,
    readonly rule: Rule<unknown>,
    readonly help: string,
    /** For a setting that may be left unset (null in a file): what unset means, for the README. */
    readonly unset?: string,
    /** Read from the environment only, and refused in a file: tokens. */
    readonly secret = false,
  ) {}
}

function setting<T>(env: string, rule: Rule<T>, help: string): Setting<T> {
  return new Setting(env, rule, help);
}

function optionalSetting<T>(env: string, rule: Rule<T>, help: string, unset: string): Setting<T | undefined> {
  return new Setting(env, rule, help, unset);
}

/**
 * Tokens live in the environment only: an env file stays out of the image and out of git (.dockerignore,
 * .gitignore), a JSON config file is the kind of thing that gets committed, copied and pasted into a chat.
 */
function secret(env: string, help: string): Setting<string | undefined> {
  return new Setting(env, text('the token'), help, '–', true);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DISCORD_ID = /^\d{15,21}$/;
const DISCORD_ID_RULE = matching(DISCORD_ID, 'a Discord id (a long number, "Copy ID" in Discord\'s developer mode)');
const SLACK_CHANNEL = /^[CGD][A-Z0-9]+$/;

/**
 * Every setting, laid out like config/default.json. The README's configuration table is generated from this
 * (`npm run config:docs`), in this order.
 */
export const SETTINGS = {
  discord: {
    token: secret('DISCORD_TOKEN', 'Bot token; Discord connects when it is set.'),
    applicationId: optionalSetting('DISCORD_APPLICATION_ID', DISCORD_ID_RULE, 'Application id.', 'asked from Discord'),
    guildId: optionalSetting(
      'DISCORD_GUILD_ID',
      DISCORD_ID_RULE,
      'Register the slash commands in this guild only (instant) instead of globally.',
      'global commands',
    ),
    apiUrl: optionalSetting(
      'DISCORD_API_URL',
      httpUrl('https://discord.com/api'),
      'API base URL, e.g. a local stand-in.',
      'Discord',
    ),
    channels: setting(
      'EASEL_DISCORD_CHANNELS',
      list(DISCORD_ID, 'channel ids (long numbers)'),
      'Channels the bot works in; none means everywhere.',
    ),
    tokenTtlMs: setting(
      'EASEL_DISCORD_TOKEN_TTL_MS',
      integer(1_000, 15 * 60_000),
      'After this, progress moves from the interaction reply to a normal message (interaction tokens die at 15 min).',
    ),
    progressIntervalMs: setting(
      'EASEL_DISCORD_PROGRESS_MS',
      integer(100, 60_000),
      'Least time between two progress edits.',
    ),
    previewIntervalMs: setting(
      'EASEL_DISCORD_PREVIEW_MS',
      integer(100, 10 * 60_000),
      'Least time between two preview images.',
    ),
  },
  slack: {
    botToken: secret('SLACK_BOT_TOKEN', 'Bot token (`xoxb-…`); Slack connects when any Slack token is set.'),
    appToken: secret('SLACK_APP_TOKEN', 'App-level token (`xapp-…`), needed in Socket Mode.'),
    signingSecret: secret('SLACK_SIGNING_SECRET', 'Signing secret, needed in HTTP mode.'),
    mode: setting(
      'EASEL_SLACK_MODE',
      oneOf(['socket', 'http'], { ignoreCase: true }),
      '`http` receives events over HTTP instead of Socket Mode.',
    ),
    port: setting('EASEL_SLACK_PORT', integer(1, 65_535), 'Port of the HTTP mode.'),
    apiUrl: optionalSetting(
      'SLACK_API_URL',
      httpUrl('https://slack.com/api/'),
      'Web API base URL, e.g. a local stand-in.',
      'Slack',
    ),
    channels: setting(
      'EASEL_SLACK_CHANNELS',
      list(SLACK_CHANNEL, 'channel ids like C0123ABCD'),
      'Channels the bot works in; none means every channel it is in.',
    ),
    progressIntervalMs: setting(
      'EASEL_SLACK_PROGRESS_MS',
      integer(100, 60_000),
      'Least time between two progress updates; Slack allows about one a second.',
    ),
  },
  engine: {
    vgg19: optionalSetting(
      'EASEL_VGG19',
      text('a folder or an http(s) URL of model.json'),
      'Folder (relative ones start at the working directory) or http(s) URL of the VGG19 `model.json`.',
      '`../shared/models/vgg19` when it is there, else the public conversion, downloaded once',
    ),
    backend: optionalSetting(
      'EASEL_BACKEND',
      oneOf(RUNTIME_NAMES),
      'Forces one runtime; if it cannot load, easel does not start.',
      'the first of these that loads',
    ),
    threads: optionalSetting(
      'EASEL_THREADS',
      integer(1, 256),
      'CPU threads for the ONNX runtime.',
      'the number of cores',
    ),
    slots: setting(
      'EASEL_SLOTS',
      integer(1, 16),
      'Jobs painted at once, each in its own worker thread with its own copy of the network.',
    ),
  },
  cacheDir: optionalSetting(
    'EASEL_CACHE_DIR',
    path(),
    'Where downloaded weights and paintings are kept.',
    '`~/.cache/easel`',
  ),
  dataDir: optionalSetting(
    'EASEL_DATA_DIR',
    path(),
    'The job journal (`journal.db`) and the images of unfinished jobs, so they survive a restart. Keep it on a disk ' +
      'that persists (the Docker images use the `/data` volume), one per easel.',
    '`~/.local/share/easel`',
  ),
  presets: {
    file: setting('EASEL_PRESETS', path(), 'The presets file.'),
    assets: optionalSetting(
      'EASEL_ASSETS',
      pathOrUrl(),
      "Folder or http(s) URL laid out like ../shared: the presets' paintings (`images/styles/…`), " +
        'the gallery photo and the style networks (`models/fast/…`). Files from a URL are downloaded once into the ' +
        'cache.',
      "`../shared` when it is there, else the presets' paintings, downloaded once into the cache",
    ),
  },
  limits: {
    maxSize: setting(
      'EASEL_MAX_SIZE',
      integer(32, 8192),
      "Largest output side users may ask for (the backend's own cap also applies).",
    ),
    maxIterations: setting('EASEL_MAX_ITERATIONS', integer(1, 100_000), 'Most iterations users may ask for.'),
    maxDownloadBytes: setting(
      'EASEL_MAX_DOWNLOAD_BYTES',
      integer(1_024, 1024 ** 3),
      'Largest image downloaded and decoded, in bytes.',
    ),
    downloadTimeoutMs: setting('EASEL_DOWNLOAD_TIMEOUT_MS', integer(100, 10 * 60_000), 'Image download timeout.'),
    inputConcurrency: setting(
      'EASEL_INPUT_CONCURRENCY',
      integer(1, 64),
      'Images downloaded and decoded at once, over all users; bounds their memory.',
    ),
    maxPixels: setting(
      'EASEL_MAX_PIXELS',
      integer(1_024, 500_000_000),
      'Larger images are refused (decompression bombs).',
    ),
    maxDataBytes: setting(
      'EASEL_MAX_DATA_BYTES',
      integer(0, 2 ** 50),
      "Most bytes of unfinished jobs' images kept in the data directory. A job past it still runs, but cannot " +
        'resume after a restart (its member is told then).',
    ),
  },
  queue: {
    maxPerUser: setting(
      'EASEL_QUEUE_PER_USER',
      integer(1, 100),
      'Jobs one user may have waiting, running or downloading.',
    ),
    maxWaiting: setting(
      'EASEL_QUEUE_MAX',
      integer(1, 10_000),
      'Jobs waiting or downloading in all; members take turns, round-robin.',
    ),
    timeoutMs: setting(
      'EASEL_JOB_TIMEOUT_MS',
      integer(1_000, 24 * 3_600_000),
      'A running job is stopped after this; a job estimated to take longer is refused up front.',
    ),
    graceMs: setting(
      'EASEL_JOB_GRACE_MS',
      integer(0, 10 * 60_000),
      'A stopped job that has not ended after this has its worker replaced.',
    ),
    shutdownGraceMs: setting(
      'EASEL_SHUTDOWN_GRACE_MS',
      integer(0, 60 * 60_000),
      'On SIGTERM, how long a running job may go on to finish; then it is stopped and resumes after the restart. ' +
        'Keep it under the time your supervisor waits before SIGKILL (Docker: 10 s unless `stop_grace_period`).',
    ),
  },
  remix: {
    keepHours: setting(
      'EASEL_REMIX_KEEP_HOURS',
      integer(0, 24 * 365),
      "How long a result's images are kept in the data directory for its remix buttons; 0 keeps none, and the " +
        'buttons then say it is too old.',
    ),
    maxBytes: setting(
      'EASEL_REMIX_MAX_BYTES',
      integer(0, 2 ** 50),
      'Most bytes of kept images for remixes; past it the oldest go first.',
    ),
  },
  scaleout: {
    redisUrl: new Setting<string | undefined>(
      'EASEL_REDIS_URL',
      matching(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL'),
      'Redis for the scale-out mode: `npm start` puts jobs on BullMQ queues there, and `easel worker` processes ' +
        'paint them. Its password, if any, is never logged.',
      'one process: the in-process queue and engines',
      true,
    ),
    maxInlineBytes: setting(
      'EASEL_REDIS_MAX_IMAGE_BYTES',
      integer(0, 512 * 1024 ** 2),
      'Largest decoded image (width × height × 3 bytes) sent through Redis; larger ones go through the shared store.',
    ),
    sharedDir: optionalSetting(
      'EASEL_SHARED_STORE_DIR',
      path(),
      'A folder every bot and worker mounts at this same path, for images too large for Redis.',
      'none: larger images are refused',
    ),
    lockMs: setting(
      'EASEL_WORKER_LOCK_MS',
      integer(1_000, 10 * 60_000),
      "A worker's hold on its job, renewed while it paints; a job whose worker died runs again on another within " +
        'about twice this.',
    ),
    workerWaitMs: setting(
      'EASEL_WORKER_WAIT_MS',
      integer(0, 24 * 3_600_000),
      'How long jobs wait in line for an `easel worker` while none is connected (a restart or a redeploy); past it ' +
        'they are told the painters are away, and new jobs are refused until one is back.',
    ),
    workerLanes: setting(
      'EASEL_WORKER_LANES',
      list(/^(gatys|network)$/, 'lanes (gatys, network)'),
      'The lanes an `easel worker` serves: `gatys` (optimisations), `network` (style-network presets), or both.',
    ),
  },
  logLevel: setting(
    'EASEL_LOG_LEVEL',
    oneOf(LOG_LEVELS, { ignoreCase: true }),
    'pino log level. Tokens are never logged.',
  ),
  playground: {
    enabled: setting(
      'EASEL_PLAYGROUND',
      oneOf(['on', 'off'], { ignoreCase: true }),
      'The web playground, where anyone who can reach it paints in the same queue as the bots; `off` turns it off.',
    ),
    host: setting(
      'EASEL_PLAYGROUND_HOST',
      host(),
      "The playground's address. Anything but loopback needs `EASEL_PLAYGROUND_TOKEN`, or easel does not start.",
    ),
    port: setting('PORT', integer(0, 65_535), "The playground's port; 0 picks a free one."),
    token: secret(
      'EASEL_PLAYGROUND_TOKEN',
      'Shared secret (16 characters or more) for a playground bound beyond loopback; visitors open ' +
        '`/?token=…` once.',
    ),
  },
  ops: {
    host: setting(
      'EASEL_OPS_HOST',
      host(),
      'Address of `/livez`, `/readyz` and `/metrics`. Metrics say how busy the bot is and who uses which platform, ' +
        'so they stay on the machine unless opened; the Docker images set `0.0.0.0`.',
    ),
    port: setting('EASEL_OPS_PORT', integer(0, 65_535), 'Their port; 0 picks a free one and logs it.'),
  },
} as const satisfies SettingsTree;

export interface SettingsTree {
  readonly [key: string]: Setting<unknown> | SettingsTree;
}

/** The values of a tree of settings, in the same layout. */
export type Values<Tree> = {
  readonly [K in keyof Tree]: Tree[K] extends Setting<infer T> ? T : Values<Tree[K]>;
};

/** Every setting's value, checked. */
export type Settings = Values<typeof SETTINGS>;

/** Every setting with its key (`queue.maxWaiting`), in the table's order. */
export function* eachSetting(tree: SettingsTree = SETTINGS, prefix = ''): Generator<[string, Setting<unknown>]> {
  for (const [name, node] of Object.entries(tree)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (node instanceof Setting) yield [key, node];
    else yield* eachSetting(node, key);
  }
}
