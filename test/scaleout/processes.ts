import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { vi } from 'vitest';
import { REPO_ROOT } from '../../src/config/paths.js';

/** A real easel process (`npm start` or `easel worker`), its output kept for the test to read. */
export class EaselProcess {
  readonly child: ChildProcess;
  #output = '';

  constructor(
    readonly name: string,
    args: readonly string[],
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
  }

  static bot(env: Record<string, string>): EaselProcess {
    return new EaselProcess('bot', [join(REPO_ROOT, 'src/main.ts')], env);
  }

  static worker(name: string, env: Record<string, string>): EaselProcess {
    return new EaselProcess(name, [join(REPO_ROOT, 'src/cli/main.ts'), 'worker'], env);
  }

  get output(): string {
    return this.#output;
  }

  /** The JSON log lines written so far. */
  logs(): Array<Record<string, unknown>> {
    return this.#output.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** Log lines with this message, for this job when `jobId` is given. */
  logged(msg: string, jobId?: string): Array<Record<string, unknown>> {
    return this.logs().filter((line) => line.msg === msg && (jobId === undefined || line.jobId === jobId));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.running) this.child.kill(signal);
  }
}

/** Waits (no fixed sleeps: generous timeouts only) until `find` returns something, and returns it. */
export function waitUntil<T>(what: string, find: () => T | undefined, processes: readonly EaselProcess[]): Promise<T> {
  return vi.waitFor(
    () => {
      const found = find();
      if (found === undefined || found === false) {
        const tails = processes.map((p) => `--- ${p.name}:\n${p.output.slice(-3000)}`).join('\n');
        throw new Error(`still waiting for ${what}\n${tails}`);
      }
      return found;
    },
    { timeout: 90_000, interval: 100 },
  );
}
