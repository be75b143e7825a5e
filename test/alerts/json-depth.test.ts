import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../src/alerts/json-depth';

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings or after escaped quotes', () => {
    expect(nestsDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(nestsDeeperThan(JSON.stringify({ text: '[[[[{{{{ \\" [[[[' }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ text: 'quote " then [[[[' }), 1)).toBe(false);
  });

  it('reads 100,000 levels without recursion', () => {
    expect(nestsDeeperThan('['.repeat(100_000) + ']'.repeat(100_000), 64)).toBe(true);
  });
});
