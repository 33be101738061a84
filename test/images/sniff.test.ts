import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../src/images/sniff.js';

/** An ISO-BMFF 'ftyp' box with the given major and compatible brands, followed by filler. */
function ftyp(major: string, compatible: readonly string[]): Buffer {
  const body = Buffer.from(`ftyp${major}\0\0\0\0${compatible.join('')}`, 'latin1');
  const size = Buffer.alloc(4);
  size.writeUInt32BE(4 + body.length);
  return Buffer.concat([size, body, Buffer.alloc(32)]);
}

describe('sniffFormat', () => {
  it.each([
    ['JPEG', [0xff, 0xd8, 0xff, 0xe0], 'jpeg'],
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'png'],
    ['GIF87a', [...Buffer.from('GIF87a')], 'gif'],
    ['GIF89a', [...Buffer.from('GIF89a')], 'gif'],
    ['WebP', [...Buffer.from('RIFF\x10\0\0\0WEBPVP8 ', 'latin1')], 'webp'],
    ['little-endian TIFF', [0x49, 0x49, 0x2a, 0x00], 'tiff'],
    ['big-endian TIFF', [0x4d, 0x4d, 0x00, 0x2a], 'tiff'],
  ] as const)('recognises %s', (_name, bytes, format) => {
    expect(sniffFormat(Uint8Array.from(bytes))).toBe(format);
  });

  it('recognises AVIF by its major brand or a compatible brand', () => {
    expect(sniffFormat(ftyp('avif', ['mif1', 'miaf']))).toBe('avif');
    expect(sniffFormat(ftyp('avis', ['msf1']))).toBe('avif');
    expect(sniffFormat(ftyp('mif1', ['miaf', 'avif']))).toBe('avif');
  });

  it('refuses other ISO-BMFF files such as HEIC photos and MP4 video', () => {
    expect(sniffFormat(ftyp('heic', ['mif1', 'heic']))).toBeUndefined();
    expect(sniffFormat(ftyp('isom', ['iso2', 'mp41']))).toBeUndefined();
  });

  it('ignores brands past the end of the ftyp box', () => {
    const box = ftyp('mif1', ['miaf']);
    box.write('avif', box.readUInt32BE(0), 'latin1');
    expect(sniffFormat(box)).toBeUndefined();
  });

  it.each([
    ['RIFF that is not WebP', Buffer.from('RIFF\x10\0\0\0WAVEfmt ', 'latin1')],
    ['BMP', Buffer.from('BM\x3a\0\0\0\0\0\0\0', 'latin1')],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['a truncated PNG signature', Uint8Array.of(0x89, 0x50, 0x4e)],
    ['nothing', new Uint8Array(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(sniffFormat(bytes)).toBeUndefined();
  });
});
