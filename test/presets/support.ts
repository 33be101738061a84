import { pino } from 'pino';
import { startFeedForwardEngine, type FeedForwardEngine } from '../../src/engine/feedforward/index.js';
import { SHARED } from '../support/engine.js';

/**
 * The real feed-forward engine, small: at 48 px a pass takes a few tens of milliseconds, so chat tests use it as it
 * is. Tests never time it; they only rely on it finishing while a ControlledEngine's Gatys job is held open.
 */
export function startNetworkEngine(maxSide = 48): Promise<FeedForwardEngine> {
  return startFeedForwardEngine(
    {
      assets: { location: SHARED, cacheDir: '/nonexistent-cache' },
      backend: 'onnx',
      threads: 1,
      maxSide,
      preload: ['wave'],
    },
    pino({ level: 'silent' }),
  );
}

const greatWave = {
  image: 'images/styles/hokusai_great_wave.jpg',
  title: 'The Great Wave off Kanagawa',
  artist: 'Katsushika Hokusai',
  year: 'c. 1831',
};

/** Presets for chat tests: a network with its painting, a network alone, and a painting alone. */
export const TEST_PRESETS = {
  wave: { name: 'The Great Wave', emoji: '🌊', slack: 'ocean', network: 'wave', painting: greatWave },
  udnie: { name: 'Udnie', emoji: '💃', slack: 'dancer', network: 'udnie', trainedOn: { artist: 'Francis Picabia' } },
  starry_night: {
    name: 'The Starry Night',
    emoji: '🌌',
    slack: 'milky_way',
    painting: {
      image: 'images/styles/vangogh_starry_night.jpg',
      title: 'The Starry Night',
      artist: 'Vincent van Gogh',
      year: '1889',
    },
  },
};
