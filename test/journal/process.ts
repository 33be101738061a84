import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/config/paths.js';
import { SHARED, waitFor } from '../discord/harness.js';
import type { DiscordStandIn } from '../standins/discord/server.js';

/** One line of the process's pino log. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** What every run of easel in these tests shares: the stand-in, the data directory, the presets. */
export interface ProcessSetup {
  readonly standIn: DiscordStandIn;
  readonly dataDir: string;
  readonly cacheDir: string;
  readonly presetsFile: string;
  /** More settings, e.g. EASEL_SHUTDOWN_GRACE_MS. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * easel as a real process (`node --import tsx src/main.ts`, as `npm start` runs the build) on the Discord stand-in,
 * with the real engine at the harness's tiny settings. Its log is kept, line by line, for the test to read.
 */
export class EaselProcess {
  readonly lines: LogLine[] = [];
  output = '';
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
    let partial = '';
    const read = (chunk: Buffer): void => {
      this.output += chunk.toString();
      partial += chunk.toString();
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          // Not a log line (a warning from Node itself): kept in `output` only.
        }
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  static start(setup: ProcessSetup): EaselProcess {
    const { standIn } = setup;
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DISCORD_TOKEN: standIn.token,
      DISCORD_API_URL: standIn.apiUrl,
      DISCORD_GUILD_ID: standIn.guildId,
      EASEL_PRESETS: setup.presetsFile,
      EASEL_ASSETS: SHARED,
      EASEL_CACHE_DIR: setup.cacheDir,
      EASEL_DATA_DIR: setup.dataDir,
      EASEL_OPS_PORT: '0',
      // The playground has tests of its own; here it would only be one more port to find free.
      EASEL_PLAYGROUND: 'off',
      EASEL_THREADS: '2',
      EASEL_MAX_SIZE: '64',
      EASEL_DISCORD_PROGRESS_MS: '100',
      ...setup.env,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/main.ts')], {
      env,
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new EaselProcess(child);
  }

  /** Resolves once easel says it is running, with jobs from before restored; fails if it exits first. */
  async running(): Promise<void> {
    await waitFor(
      'easel to be running',
      () => {
        if (this.#child.exitCode !== null) throw new Error(`easel exited (${this.#child.exitCode}):\n${this.output}`);
        return this.logged('easel is running');
      },
      60_000,
    );
  }

  /** How many log lines' messages contain `text`. */
  count(text: string): number {
    return this.lines.filter((line) => line.msg.includes(text)).length;
  }

  /** The first log line whose message contains `text`. */
  logged(text: string): LogLine | undefined {
    return this.lines.find((line) => line.msg.includes(text));
  }

  /** Base URL of the ops endpoints, from the line that announced them. */
  get opsUrl(): string {
    const url = this.logged('ops endpoints listening')?.url;
    if (typeof url !== 'string') throw new Error('the ops server has not announced its address');
    return url;
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.opsUrl}/metrics`)).text();
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** Kills it if it is still there (after a failed test). */
  async end(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGKILL');
      await this.exited;
    }
  }
}
