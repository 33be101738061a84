import { describe, expect, it } from 'vitest';
import { RecentClaims } from '../../src/jobs/recent-claims.js';

describe('RecentClaims', () => {
  it('claims a key once, again after it is released, and forgets the oldest past its capacity', () => {
    const claims = new RecentClaims(2);
    expect(claims.claim('a')).toBe(true);
    expect(claims.claim('a')).toBe(false);
    claims.release('a');
    expect(claims.claim('a')).toBe(true);

    expect(claims.claim('b')).toBe(true);
    expect(claims.claim('c')).toBe(true);
    expect(claims.claim('b')).toBe(false);
    expect(claims.claim('a')).toBe(true);
  });
});
