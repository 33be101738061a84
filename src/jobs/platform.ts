import type { Logger } from 'pino';
import type { PresetGallery } from '../gallery/index.js';
import type { OptionLimits } from '../options/index.js';
import type { ImageLimits } from '../images/limits.js';
import type { InputLimiter } from './input-limiter.js';
import type { PresetCatalog } from './presets.js';
import type { JobQueue } from './queue.js';
import type { Remixer } from './remix/index.js';
import type { JobRestorer } from './restore.js';

/** What every chat platform is given: the shared queue and presets, a logger, and the limits on input. */
export interface PlatformDeps {
  readonly queue: JobQueue;
  /** Every download and decode runs through this one cap, after the member's place is reserved in the queue. */
  readonly inputs: InputLimiter;
  readonly presets: PresetCatalog;
  /** The picture of every preset that `/presets` shows. */
  readonly gallery: PresetGallery;
  readonly logger: Logger;
  /** The remix buttons under chat results; without it results have none. */
  readonly remix?: Remixer;
  /** The data directory (the journal's), for what a platform keeps across restarts; in memory without it. */
  readonly dataDir?: string;
  readonly limits: {
    readonly maxDownloadBytes: number;
    readonly downloadTimeoutMs: number;
    readonly image: ImageLimits;
    readonly options: OptionLimits;
  };
}

/** A connected platform; `stop` disconnects it. */
export interface RunningPlatform {
  /** Also the `platform` of its members' JobRequesters. */
  readonly name: string;
  /** Whether it is connected now (for /readyz and the metrics); it may drop and come back on its own. */
  connected(): boolean;
  /** Brings this platform's jobs back after a restart; see JobRestorer. */
  readonly restorer: JobRestorer;
  stop(): Promise<void>;
}
