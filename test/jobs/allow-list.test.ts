import { describe, expect, it } from 'vitest';
import { AllowList } from '../../src/jobs/allow-list.js';

describe('AllowList', () => {
  it('allows every channel when empty, else the listed ones and their threads', () => {
    expect(new AllowList([]).allows('C9')).toBe(true);
    const list = new AllowList(['C1', 'C2']);
    expect(list.allows('C2')).toBe(true);
    expect(list.allows('T5', 'C1')).toBe(true);
    expect(list.allows('C9')).toBe(false);
    expect(list.allows('T5', null)).toBe(false);
  });

  it('says where it works in the same words on every platform', () => {
    expect(new AllowList(['C1']).whereIWork).toBe('Sorry, I only paint in <#C1>. Come and find me there! 🎨');
    expect(new AllowList(['C1', 'C2', 'C3']).whereIWork).toBe(
      'Sorry, I only paint in <#C1>, <#C2> or <#C3>. Come and find me there! 🎨',
    );
  });
});
