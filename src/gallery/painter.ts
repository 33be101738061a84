import type { StylizeOptions } from '../engine/types.js';
import { UserError } from '../errors.js';
import type { JobRequester } from '../jobs/job.js';
import { planPreset, presetJob, reservePreset } from '../jobs/presets.js';
import type { JobQueue } from '../jobs/queue.js';
import type { OptionLimits } from '../options/index.js';
import type { TilePainter } from './index.js';

/** The gallery's tiles are one more member of the queue, so members' own jobs take their turns first. */
export const GALLERY_MEMBER: JobRequester = { platform: 'easel', userId: 'gallery' };

/** The longest side a tile is painted at. */
const TILE_SIDE = 256;

/** A tile job that did not paint; its message is the queue's, worded for members. */
class TileNotPaintedError extends UserError {
  constructor(message: string) {
    super('gallery-not-painted', message);
  }
}

/**
 * Paints tiles through `queue`, as GALLERY_MEMBER, each the way a reaction would (its network, else its painting
 * with its tuned settings) at a small size.
 */
export function queuePainter(queue: JobQueue, limits: OptionLimits, defaults: StylizeOptions): TilePainter {
  return async (preset, photo) => {
    const plan = planPreset(preset, { size: Math.min(TILE_SIDE, limits.maxSize) }, limits, defaults);
    const reservation = reservePreset(queue, GALLERY_MEMBER, plan);
    const spec = await presetJob(plan, GALLERY_MEMBER, photo).catch((err: unknown) => {
      reservation.release();
      throw err;
    });
    return new Promise((resolve, reject) => {
      reservation.submit(spec, (event) => {
        if (event.type === 'done') resolve(event.result.image);
        else if (event.type === 'failed') reject(new TileNotPaintedError(event.message));
        else if (event.type === 'cancelled') {
          reject(new TileNotPaintedError("I'm restarting; ask for the presets again in a minute."));
        }
      });
    });
  };
}
