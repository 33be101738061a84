import type { OpsConfig } from '../config/index.js';

/** An ops server bound to every address (0.0.0.0, ::) is reached from inside its own host on loopback. */
export function livezUrl({ host, port }: OpsConfig): string {
  const local = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${local.includes(':') ? `[${local}]` : local}:${port}/livez`;
}

/** True when /livez answers 200 within `timeoutMs`; a refused connection or a timeout is false, never a throw. */
export async function isAlive(url: string, timeoutMs = 4_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
