import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Just enough of Dockerfile syntax to check a file on paper: stages, their instructions, and what they name. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string | undefined;
  readonly base: string;
  /** The earlier stage this one is built FROM, if it is one. */
  readonly parent: Stage | undefined;
  readonly instructions: Instruction[];
}

/** Joins continued lines and drops comments and blank lines, as Docker does. */
function logicalLines(text: string): { text: string; line: number }[] {
  const lines: { text: string; line: number }[] = [];
  let current: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && current === undefined)) return;
    const continued = trimmed.endsWith('\\');
    const piece = continued ? trimmed.slice(0, -1).trim() : trimmed;
    current = current ? { ...current, text: `${current.text} ${piece}`.trim() } : { text: piece, line: index + 1 };
    if (!continued) {
      lines.push(current);
      current = undefined;
    }
  });
  if (current) lines.push(current);
  return lines;
}

export function parseDockerfile(text: string): Stage[] {
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const { text: line, line: number } of logicalLines(text)) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest, line: number };
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = rest.split('=');
      args.set(name, value);
    } else if (instruction.keyword === 'FROM') {
      const words = rest.replace(/^--platform=\S+\s+/, '').split(/\s+/);
      const base = (words[0] ?? '').replace(/\$\{?(\w+)\}?/g, (_, name: string) => args.get(name) ?? '');
      const name = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      stages.push({ name, base, parent: stages.find((stage) => stage.name === base), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** A stage's instructions with those of the stages it is built on first, as the image inherits them. */
export function inherited(stage: Stage): Instruction[] {
  return [...(stage.parent ? inherited(stage.parent) : []), ...stage.instructions];
}

/** COPY's flags and paths, in either the shell or the JSON form. */
export function copyArgs(args: string): { from: string | undefined; sources: string[]; destination: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const rest = words.filter((word) => !word.startsWith('--')).join(' ');
  const paths = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}

/** The command of an exec-form (JSON) instruction, or of its shell form split on spaces. */
export function commandWords(args: string): string[] {
  const command = args.replace(/^(--\S+\s+)*(CMD\s+)?/, '');
  return command.startsWith('[') ? (JSON.parse(command) as string[]) : command.split(/\s+/);
}

/** .dockerignore's rule: the last pattern matching the path or a folder above it decides; `!` re-includes. */
export function isDockerIgnored(path: string, dockerignore: string): boolean {
  const patterns = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const candidates = path.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const glob = posix.normalize(pattern.slice(negated ? 1 : 0)).replace(/^\/+/, '');
    const source = glob
      .split('**')
      .map((part) =>
        part
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]'),
      )
      .join('.*');
    const regex = new RegExp(`^${source}$`);
    if (candidates.some((candidate) => regex.test(candidate))) ignored = !negated;
  }
  return ignored;
}

/** A shell pipeline that downloads something and runs it: curl … | bash, wget -O- … | sh, and the like. */
export const PIPED_TO_SHELL = /\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(env\s+\S+\s+)?(ba|da|z|k)?sh\b/;

/** The repository-relative source file a compiled path under dist/ comes from (tsconfig.build: src → dist). */
export function sourceOf(distPath: string, root: string): string | undefined {
  const match = /^dist\/(.+)\.js$/.exec(distPath);
  if (!match) return undefined;
  const source = `src/${match[1]}.ts`;
  return existsSync(join(root, source)) ? source : undefined;
}
