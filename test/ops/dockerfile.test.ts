import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/config/paths.js';
import {
  commandWords,
  copyArgs,
  inherited,
  isDockerIgnored,
  parseDockerfile,
  PIPED_TO_SHELL,
  sourceOf,
  type Stage,
} from './dockerfile.js';

/** Docker cannot build here, so the Dockerfile is checked on paper: everything it names must exist in the repo. */

const TARGETS = ['gpu', 'cpu'];

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
const lockPackages = (JSON.parse(read('package-lock.json')) as { packages: Record<string, unknown> }).packages;
const buildConfig = JSON.parse(read('tsconfig.build.json')) as { extends: string; include: string[] };

/** Folders and files src/ reads next to the repository root at run time (join(REPO_ROOT, 'commands'), …). */
function runtimePaths(): string[] {
  const files = readdirSync(join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' });
  const sources = files.filter((file) => file.endsWith('.ts'));
  const paths = sources.flatMap((file) =>
    [...read(join('src', file)).matchAll(/(?:join|resolve)\(REPO_ROOT, '([^']+)'/g)].map((match) => match[1] ?? ''),
  );
  // ../shared is outside the image: it is mounted at /shared.
  return [...new Set(paths.filter((path) => !path.startsWith('..')).map((path) => path.split('/')[0] ?? path))];
}

/** Stages whose files end up in `stage`: the ones it is built on, and those it copies from, all the way down. */
function contributing(stage: Stage, stages: readonly Stage[]): Stage[] {
  const found = new Set<Stage>();
  const visit = (current: Stage): void => {
    if (found.has(current)) return;
    found.add(current);
    if (current.parent) visit(current.parent);
    for (const { keyword, args } of current.instructions) {
      const from = keyword === 'COPY' ? copyArgs(args).from : undefined;
      const source = stages.find((other) => other.name === from);
      if (source) visit(source);
    }
  };
  visit(stage);
  return [...found];
}

/** Everything wrong with a Dockerfile, as one line each; [] when it is exact. */
function problems(dockerfile: string, dockerignore: string): string[] {
  const found: string[] = [];
  const stages = parseDockerfile(dockerfile);
  const names = stages.map((stage) => stage.name);

  stages.forEach((stage, index) => {
    const where = `stage ${stage.name ?? index}`;
    const copied = new Set<string>();
    for (const { keyword, args, line } of inherited(stage)) {
      const at = `${where}, line ${line}`;
      if (keyword === 'ADD') found.push(`${at}: ADD fetches and unpacks implicitly; use COPY`);
      if (keyword === 'COPY') {
        const { from, sources } = copyArgs(args);
        if (from !== undefined && !names.slice(0, index).includes(from)) {
          found.push(`${at}: COPY --from=${from} is not an earlier stage`);
        }
        for (const source of from === undefined ? sources : []) {
          const path = posix.normalize(source).replace(/\/$/, '');
          if (!existsSync(join(REPO_ROOT, path))) found.push(`${at}: COPY source ${source} does not exist`);
          else if (isDockerIgnored(path, dockerignore)) found.push(`${at}: COPY source ${source} is in .dockerignore`);
          copied.add(path);
        }
      }
      if (keyword !== 'RUN') continue;
      if (PIPED_TO_SHELL.test(args)) found.push(`${at}: pipes a download into a shell`);
      for (const command of args.split(/&&|\|\||;|\|/).map((part) => part.trim().split(/\s+/))) {
        const [program, verb, ...rest] = command;
        const needs = (files: readonly string[]): void => {
          for (const file of files.filter((f) => !copied.has(f))) {
            found.push(`${at}: ${command.join(' ')} before ${file} is copied`);
          }
        };
        if (program === 'npm' && verb === 'ci') needs(['package.json', 'package-lock.json']);
        if (program === 'npm' && verb === 'run') {
          const script = rest[0] ?? '';
          if (!Object.hasOwn(packageJson.scripts, script)) found.push(`${at}: npm run ${script}: no such script`);
          const extended = buildConfig.extends.replace(/^\.\//, '');
          if (script === 'build') needs(['tsconfig.build.json', extended, ...buildConfig.include]);
        }
        const packages = program === 'npm' && verb === 'rebuild' ? rest : program === 'rm' ? [verb ?? '', ...rest] : [];
        for (const name of packages.filter((word) => !word.startsWith('-'))) {
          const key = program === 'rm' ? name : `node_modules/${name}`;
          if (key.startsWith('node_modules/') && !Object.hasOwn(lockPackages, key)) {
            found.push(`${at}: ${key} is not in package-lock.json`);
          }
        }
      }
    }
  });

  for (const target of TARGETS) {
    const stage = stages.find((candidate) => candidate.name === target);
    if (!stage) {
      found.push(`no ${target} target`);
      continue;
    }
    const chain = inherited(stage);
    const last = (keyword: string): string | undefined => chain.filter((i) => i.keyword === keyword).at(-1)?.args;
    const user = last('USER');
    if (user === undefined || /^(root|0)(:|$)/.test(user)) found.push(`${target}: runs as root`);
    const healthcheck = last('HEALTHCHECK');
    if (healthcheck === undefined || healthcheck.trim().toUpperCase() === 'NONE') {
      found.push(`${target}: no HEALTHCHECK`);
    }
    const workdir = last('WORKDIR') ?? '/';
    if (workdir !== '/app') found.push(`${target}: WORKDIR is ${workdir}, not /app (the repository's layout)`);
    const cmd = last('CMD');
    if (cmd === undefined) found.push(`${target}: no CMD`);
    // Every `node <script>` the image runs: a compiled file must come from a source in src/.
    for (const command of [cmd, healthcheck].filter((args): args is string => args !== undefined)) {
      const [program, script] = commandWords(command);
      if (program !== 'node' || script === undefined || script.startsWith('-')) continue;
      const path = posix.relative('/app', posix.resolve(workdir, script));
      if (sourceOf(path, REPO_ROOT) === undefined && !existsSync(join(REPO_ROOT, path))) {
        found.push(`${target}: runs ${script}, which nothing in the repository produces`);
      }
    }
    const volumes = chain
      .filter((i) => i.keyword === 'VOLUME')
      .map((i) => i.args)
      .join(' ');
    for (const volume of ['/cache', '/data']) {
      if (!volumes.includes(`"${volume}"`)) found.push(`${target}: no ${volume} volume`);
    }
    const exposed = chain.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    for (const port of ['8080', '9464']) if (!exposed.includes(port)) found.push(`${target}: does not expose ${port}`);

    const parts = contributing(stage, stages);
    const contextFiles = new Set(
      parts.flatMap((part) =>
        part.instructions
          .filter((i) => i.keyword === 'COPY' && copyArgs(i.args).from === undefined)
          .flatMap((i) => copyArgs(i.args).sources.map((source) => posix.normalize(source).replace(/\/$/, ''))),
      ),
    );
    for (const path of ['package.json', ...runtimePaths()]) {
      if (!contextFiles.has(path)) found.push(`${target}: ${path} is read at run time but not copied into the image`);
    }
    if (!parts.some((part) => part.instructions.some((i) => i.keyword === 'RUN' && /\bnpm run build\b/.test(i.args)))) {
      found.push(`${target}: nothing runs npm run build`);
    }
  }
  return found;
}

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const dockerignore = read('.dockerignore');

  it('is exact on paper: every path, script and package it names exists, both targets are complete', () => {
    expect(problems(dockerfile, dockerignore)).toEqual([]);
  });

  it('builds the cpu target by default (the last stage), as the README and compose.yaml say', () => {
    expect(parseDockerfile(dockerfile).at(-1)?.name).toBe('cpu');
  });

  it('installs tfjs-node-gpu at build time in the gpu image, on a CUDA 11.8 / cuDNN 8 base', () => {
    const stages = parseDockerfile(dockerfile);
    const gpu = stages.find((stage) => stage.name === 'gpu');
    expect(gpu).toBeDefined();
    const parts = contributing(gpu as Stage, stages);
    expect(parts.map((part) => part.base)).toContain('nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04');
    const runs = parts
      .flatMap((part) => part.instructions)
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    expect(runs.some((run) => run.includes('npm rebuild @tensorflow/tfjs-node-gpu'))).toBe(true);
  });

  it('keeps tokens and build output out of the build context', () => {
    for (const path of ['easel.env', '.env', 'node_modules', 'dist', '.git']) {
      expect(isDockerIgnored(path, dockerignore)).toBe(true);
    }
    for (const path of ['src/main.ts', 'package-lock.json', 'config/presets.json']) {
      expect(isDockerIgnored(path, dockerignore)).toBe(false);
    }
  });

  it('finds what a careless Dockerfile gets wrong', () => {
    const careless = [
      'FROM ubuntu:22.04 AS gpu',
      'RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -',
      'WORKDIR /app',
      'COPY package.json nothing-here.txt ./',
      'COPY node_modules ./node_modules',
      'RUN npm ci && npm run bundle && rm -rf node_modules/left-pad',
      'COPY --from=later /x /x',
      'CMD ["node", "dist/not-a-module.js"]',
    ].join('\n');
    expect(problems(careless, 'node_modules\n')).toEqual([
      'stage gpu, line 2: pipes a download into a shell',
      'stage gpu, line 4: COPY source nothing-here.txt does not exist',
      'stage gpu, line 5: COPY source node_modules is in .dockerignore',
      'stage gpu, line 6: npm ci before package-lock.json is copied',
      'stage gpu, line 6: npm run bundle: no such script',
      'stage gpu, line 6: node_modules/left-pad is not in package-lock.json',
      'stage gpu, line 7: COPY --from=later is not an earlier stage',
      'gpu: runs as root',
      'gpu: no HEALTHCHECK',
      'gpu: runs dist/not-a-module.js, which nothing in the repository produces',
      'gpu: no /cache volume',
      'gpu: no /data volume',
      'gpu: does not expose 8080',
      'gpu: does not expose 9464',
      ...runtimePaths().map((path) => `gpu: ${path} is read at run time but not copied into the image`),
      'gpu: nothing runs npm run build',
      'no cpu target',
    ]);
  });
});

describe('compose.yaml', () => {
  const compose = read('compose.yaml');
  const stages = parseDockerfile(read('Dockerfile')).map((stage) => stage.name);

  it('builds Dockerfile targets, cpu for the default service', () => {
    const targets = [...compose.matchAll(/^\s+target: (\S+)$/gm)].map((match) => match[1]);
    expect(targets).toEqual(['cpu', 'gpu']);
    for (const target of targets) expect(stages).toContain(target);
  });

  it('runs Redis, the bot on it, and workers that scale: no published ports, the CLI worker command', () => {
    // A service's block: its lines up to the next service.
    const service = (name: string): string => compose.split(`\n  ${name}:\n`)[1]?.split(/\n {2}\S/)[0] ?? '';
    expect(service('redis')).toMatch(/image: redis:/);
    expect(compose).toMatch(/EASEL_REDIS_URL: redis:\/\/redis:6379/);
    expect(compose).toMatch(/command: \['node', 'dist\/cli\/main\.js', 'worker'\]/);
    // The worker anchor publishes nothing, so `--scale worker=3` cannot clash on a host port.
    const workerAnchor = compose.split('x-worker: &worker')[1]?.split('\nservices:')[0] ?? '';
    expect(workerAnchor).not.toMatch(/ports:/);
    expect(service('worker')).toMatch(/<<: \*worker/);
    expect(read('package.json')).toMatch(/"easel": "dist\/cli\/main\.js"/);
  });

  it('keeps the cache and data in volumes and publishes both ports on loopback', () => {
    expect(compose).toMatch(/- easel-cache:\/cache$/m);
    expect(compose).toMatch(/- easel-data:\/data$/m);
    expect(compose).toMatch(/- ['"]127\.0\.0\.1:9464:9464['"]/);
    expect(compose).toMatch(/- ['"]127\.0\.0\.1:8080:8080['"]/);
    expect(existsSync(join(REPO_ROOT, 'compose.yaml'))).toBe(true);
  });
});
