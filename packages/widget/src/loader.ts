/**
 * The loader: what the script tag fetches first, so it stays tiny and imports nothing. It keeps
 * the `Parley(...)` calls the page queued, boots from the tag's `data-*` attributes, and
 * `import()`s the core from the relay it was itself loaded from. Later calls go straight to
 * the core.
 */

type Call = ArrayLike<unknown>;

interface ParleyFunction {
  (...args: unknown[]): unknown;
  q?: Call[];
  /** Set once the loader ran, so a second copy of the tag does nothing. */
  loaded?: true;
}

interface CoreModule {
  start(options: { origin: string; queue: readonly Call[] }): (call: Call) => unknown;
}

declare global {
  interface Window {
    Parley?: ParleyFunction;
  }
}

(() => {
  const existing = window.Parley;
  if (existing?.loaded) return;
  const script = (document.currentScript ?? document.querySelector('script[src*="/parley.js"]')) as HTMLScriptElement | null;
  if (!script) return;
  const origin = new URL(script.src, location.href).origin;
  const queue: Call[] = existing?.q ?? [];
  let core: ((call: Call) => unknown) | undefined;

  const parley: ParleyFunction = function (...args: unknown[]) {
    if (core) return core(args);
    queue.push(args);
    return undefined;
  };
  parley.q = queue;
  parley.loaded = true;
  window.Parley = parley;

  const data = script.dataset;
  if (data.siteKey && !queue.some((call) => call[0] === 'boot')) {
    // The tag's attributes boot first, so commands queued before still find a widget.
    queue.unshift([
      'boot',
      {
        siteKey: data.siteKey,
        language: data.language,
        persist: data.persist !== undefined && data.persist !== 'false',
      },
    ]);
  }

  import(/* webpackIgnore: true */ `${origin}/widget/core.js`).then(
    (mod: CoreModule) => {
      core = mod.start({ origin, queue: queue.splice(0) });
    },
    (error: unknown) => console.error('Parley: the widget could not load', error),
  );
})();

export {};
