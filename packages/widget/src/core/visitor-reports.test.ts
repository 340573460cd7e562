import type { ClientFrame } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { PENDING_LIMIT, VisitorReports } from './visitor-reports.js';

/** A link that is up or down, recording what went out. */
function link(up: boolean) {
  const sent: ClientFrame[] = [];
  const state = { up };
  const reports = new VisitorReports((frame) => state.up && sent.push(frame) > 0);
  return { sent, state, reports };
}

describe('VisitorReports', () => {
  it('builds identify frames from the options given, without empty fields', () => {
    const { sent, reports } = link(true);
    reports.identify({ userId: 42 as unknown as string, name: 'Ada', email: '', attributes: { plan: 'pro' } });
    expect(sent).toEqual([{ type: 'visitor.identify', userId: '42', name: 'Ada', attributes: { plan: 'pro' } }]);
  });

  it('sends tracked events and page changes', () => {
    const { sent, reports } = link(true);
    reports.track('plan_viewed', { plan: 'pro' });
    reports.track('opened');
    reports.page({ url: 'https://shop.example/cart', title: 'Cart', referrer: 'https://x.example' });
    expect(sent).toEqual([
      { type: 'visitor.track', event: 'plan_viewed', props: { plan: 'pro' } },
      { type: 'visitor.track', event: 'opened' },
      { type: 'visitor.page', url: 'https://shop.example/cart', title: 'Cart' },
    ]);
  });

  it('keeps frames while the link is down and sends them in order once it is up', () => {
    const { sent, state, reports } = link(false);
    reports.track('a');
    reports.track('b');
    expect(sent).toEqual([]);
    state.up = true;
    reports.flush();
    expect(sent.map((f) => f.type === 'visitor.track' && f.event)).toEqual(['a', 'b']);
    reports.flush();
    expect(sent).toHaveLength(2);
  });

  it('keeps only the newest frames while down', () => {
    const { sent, state, reports } = link(false);
    for (let i = 0; i < PENDING_LIMIT + 5; i++) reports.track(`e${i}`);
    state.up = true;
    reports.flush();
    expect(sent).toHaveLength(PENDING_LIMIT);
    expect(sent[0]).toMatchObject({ event: 'e5' });
  });
});
