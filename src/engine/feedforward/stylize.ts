import { resizeExact } from '../../images/resize.js';
import { toFloat, toRgb } from '../pixels.js';
import { fitDimensions } from '../scales.js';
import type { RgbImage } from '../types.js';
import { crop, frame } from './frame.js';
import type { PreparedNetwork } from './runtime.js';

/**
 * Mirrored margin around the photo. The frame a network paints from its zero padding is 10–30 px wide whatever the
 * image size (it comes from the receptive field, not the picture); at 16 px a band still showed, at 32 px none did.
 */
export const FRAME_MARGIN = 32;

/** One pass of `network` over `image` scaled so its longest side is `side`, keeping its aspect ratio. */
export async function stylizeWithNetwork(network: PreparedNetwork, image: RgbImage, side: number): Promise<RgbImage> {
  const { width, height } = fitDimensions(image.width, image.height, side);
  const photo = await resizeExact(image, width, height);
  const framed = frame({ width, height, data: toFloat(photo) }, FRAME_MARGIN);
  const painted = crop(await network.run(framed.image), framed.left, framed.top, width, height);
  return toRgb(painted.data, width, height);
}
