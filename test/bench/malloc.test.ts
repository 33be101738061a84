import { describe, expect, it } from 'vitest';
import { hasHugePages, HUGE_PAGE_TUNABLE, withHugePages, withoutHugePages } from '../../bench/malloc.js';

describe('the benches’ malloc tunable', () => {
  it('is added beside the tunables already set, once', () => {
    const env = withHugePages({ PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
    expect(env.GLIBC_TUNABLES).toBe(`glibc.malloc.arena_max=2:${HUGE_PAGE_TUNABLE}`);
    expect(env.PATH).toBe('/bin');
    expect(withHugePages(env).GLIBC_TUNABLES).toBe(env.GLIBC_TUNABLES);
    expect(withHugePages({}).GLIBC_TUNABLES).toBe(HUGE_PAGE_TUNABLE);
  });

  it('is taken out leaving the others, and the variable goes when nothing is left', () => {
    expect(withoutHugePages({ GLIBC_TUNABLES: `${HUGE_PAGE_TUNABLE}:glibc.malloc.arena_max=2` }).GLIBC_TUNABLES).toBe(
      'glibc.malloc.arena_max=2',
    );
    expect('GLIBC_TUNABLES' in withoutHugePages({ GLIBC_TUNABLES: HUGE_PAGE_TUNABLE, HOME: '/root' })).toBe(false);
    expect(hasHugePages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=10' })).toBe(false);
  });
});
