import { describe, expect, it } from 'vitest';
import { Membership } from './membership.js';

describe('Membership', () => {
  it('lists this node alone at first, then every node heard from, sorted', () => {
    const members = new Membership('b', 1_000);
    expect(members.live()).toEqual(['b']);
    expect(members.heard('c', 'c1', 0)).toBe('new');
    expect(members.heard('a', 'a1', 0)).toBe('new');
    expect(members.heard('a', 'a1', 10)).toBe('known');
    expect(members.live()).toEqual(['a', 'b', 'c']);
    expect(members.others().sort()).toEqual(['a', 'c']);
  });

  it('sweeps nodes silent for longer than the dead-after period, never this one', () => {
    const members = new Membership('self', 1_000);
    members.heard('a', 'a1', 0);
    members.heard('b', 'b1', 500);
    expect(members.sweep(1_000)).toEqual([]);
    expect(members.sweep(1_001)).toEqual(['a']);
    expect(members.live()).toEqual(['b', 'self']);
    expect(members.has('self')).toBe(true);
  });

  it('tells a restarted node (a new instance under the same id) from a known one', () => {
    const members = new Membership('self', 1_000);
    members.heard('a', 'a1', 0);
    expect(members.heard('a', 'a2', 5)).toBe('restarted');
    // The old instance's late goodbye does not remove the new one.
    expect(members.left('a', 'a1')).toBe(false);
    expect(members.left('a', 'a2')).toBe(true);
    expect(members.has('a')).toBe(false);
  });

  it('forgives silence: every known node gets a full period from now', () => {
    const members = new Membership('self', 1_000);
    members.heard('a', 'a1', 0);
    members.forgive(10_000);
    expect(members.sweep(10_900)).toEqual([]);
    expect(members.sweep(11_001)).toEqual(['a']);
  });
});
