import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { REPO_ROOT } from '../config/paths.js';

/**
 * The demo's images: the Gatys paper's own pair (Tübingen × The Starry Night) from the assets folder when it is
 * there, otherwise two small scenes drawn here, so `easel demo` runs on a fresh machine with nothing but weights.
 */

const LANDSCAPE = `<svg xmlns="http://www.w3.org/2000/svg" width="384" height="256">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5b8fd9"/><stop offset="1" stop-color="#cfe3f7"/></linearGradient></defs>
  <rect width="384" height="256" fill="url(#sky)"/>
  <circle cx="300" cy="60" r="28" fill="#ffd95a"/>
  <path d="M0 170 Q90 110 190 165 T384 150 V256 H0Z" fill="#4f8f3a"/>
  <path d="M0 205 Q120 170 250 200 T384 195 V256 H0Z" fill="#3a6f2b"/>
  <rect x="70" y="150" width="70" height="50" fill="#d9c29a"/><path d="M62 152 L105 118 L148 152Z" fill="#a33b2b"/>
  <rect x="96" y="172" width="16" height="28" fill="#5a3b24"/>
  <rect x="230" y="130" width="10" height="60" fill="#6b4a2f"/><circle cx="235" cy="120" r="26" fill="#2f6b2a"/>
</svg>`;

const SWIRLS = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256">
  <rect width="256" height="256" fill="#1d2f6b"/>
  ${Array.from({ length: 9 }, (_, i) => {
    const x = 30 + (i % 3) * 95;
    const y = 30 + Math.floor(i / 3) * 95;
    return [28, 20, 12, 5]
      .map(
        (r, k) =>
          `<circle cx="${x}" cy="${y}" r="${r}" fill="none" stroke="${['#f2d14b', '#7fb2e5', '#f7eb9a', '#3c64b4'][k]}" stroke-width="6"/>`,
      )
      .join('');
  }).join('')}
  ${Array.from({ length: 14 }, (_, i) => `<path d="M${-20 + i * 22} 256 Q${i * 22} 200 ${10 + i * 22} 150" stroke="#0f1a3d" stroke-width="7" fill="none"/>`).join('')}
</svg>`;

export interface DemoImages {
  readonly content: Uint8Array;
  readonly style: Uint8Array;
  readonly source: string;
}

export async function demoImages(assetsRoot = resolve(REPO_ROOT, '../shared')): Promise<DemoImages> {
  const content = join(assetsRoot, 'images/content/tubingen.jpg');
  const style = join(assetsRoot, 'images/styles/vangogh_starry_night.jpg');
  if (existsSync(content) && existsSync(style)) {
    return {
      content: await readFile(content),
      style: await readFile(style),
      source: 'tubingen.jpg × vangogh_starry_night.jpg',
    };
  }
  return {
    content: await sharp(Buffer.from(LANDSCAPE)).png().toBuffer(),
    style: await sharp(Buffer.from(SWIRLS)).png().toBuffer(),
    source: 'built-in landscape × built-in swirls',
  };
}
