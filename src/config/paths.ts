import { fileURLToPath } from 'node:url';

/** The repository root, the same from src/config/ (tsx, tests) and dist/config/ (the build). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
