import { afterEach, describe, expect, it } from 'vitest';
import { useWidgetHarness } from '../testing/widget-harness.js';
import { Api } from './api.js';

const h = useWidgetHarness();
let api: Api | null = null;

afterEach(() => {
  api?.run(['shutdown']);
  api = null;
});

/** An API whose widgets get no UI: these tests drive it by commands only. */
function newApi(): Api {
  api = new Api(h.origin, () => () => undefined);
  return api;
}

/** Resolves once the booted widget was welcomed (so no session request is left in flight). */
function ready(parley: Api): Promise<void> {
  return new Promise((resolve) => parley.run(['on', 'ready', () => resolve()]));
}

describe('Api', () => {
  it('runs commands queued before boot once it boots', async () => {
    const parley = newApi();
    parley.run(['open']);
    expect(parley.widget).toBeNull();
    parley.run(['boot', { siteKey: 'demo' }]);
    expect(parley.widget?.view).toBeDefined();
    await ready(parley);
    expect(parley.widget?.view.open).toBe(true);
  });

  it('hears ready even when listening after the fact', async () => {
    const parley = newApi();
    parley.run(['boot', { siteKey: 'demo' }]);
    await ready(parley);
    await ready(parley);
  });

  it('closes again on toggle right after open in the same task', async () => {
    const parley = newApi();
    const heard: string[] = [];
    parley.run(['on', 'open', () => heard.push('open')]);
    parley.run(['on', 'close', () => heard.push('close')]);
    parley.run(['boot', { siteKey: 'demo' }]);
    parley.run(['open']);
    parley.run(['toggle']);
    expect(heard).toEqual(['open', 'close']);
    await ready(parley);
    expect(parley.widget?.view.open).toBe(false);
  });

  it('refuses a boot without a site key', () => {
    const parley = newApi();
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      parley.run(['boot', {}]);
    } finally {
      console.warn = warn;
    }
    expect(parley.widget).toBeNull();
  });
});
