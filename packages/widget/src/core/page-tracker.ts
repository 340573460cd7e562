/**
 * Notices in-page route changes of single-page apps (History API and hash changes) so agents see
 * the page the visitor is on. `pushState`/`replaceState` fire no event, so they are wrapped; the
 * wrappers are removed again on `stop` when nobody wrapped them after us.
 */

/** A page as the relay records it. */
export interface PageInfo {
  url: string;
  title: string;
  referrer?: string;
}

/** The page the widget runs on right now. */
export function currentPage(): PageInfo {
  const page: PageInfo = { url: location.href, title: document.title };
  if (document.referrer) page.referrer = document.referrer;
  return page;
}

type HistoryMethod = 'pushState' | 'replaceState';

/** Calls back once per URL change, with the new page. */
export class PageTracker {
  private _lastUrl = location.href;
  private readonly _originals = new Map<HistoryMethod, History[HistoryMethod]>();
  private readonly _wrappers = new Map<HistoryMethod, History[HistoryMethod]>();
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private readonly _check = () => this._schedule();

  constructor(private readonly _onPage: (page: PageInfo) => void) {}

  /** Starts watching. */
  start(): void {
    for (const method of ['pushState', 'replaceState'] as const) {
      const original = history[method];
      const check = this._check;
      const wrapper: History[HistoryMethod] = function (this: History, ...args) {
        const result = original.apply(this, args);
        check();
        return result;
      };
      this._originals.set(method, original);
      this._wrappers.set(method, wrapper);
      history[method] = wrapper;
    }
    addEventListener('popstate', this._check);
    addEventListener('hashchange', this._check);
  }

  /** Stops watching and restores the History API where it is still ours. */
  stop(): void {
    for (const [method, original] of this._originals) {
      if (history[method] === this._wrappers.get(method)) history[method] = original;
    }
    this._originals.clear();
    this._wrappers.clear();
    removeEventListener('popstate', this._check);
    removeEventListener('hashchange', this._check);
    clearTimeout(this._timer);
  }

  private _schedule(): void {
    // Routers usually set document.title just after pushState; report once it has settled.
    clearTimeout(this._timer);
    this._timer = setTimeout(() => {
      if (location.href === this._lastUrl) return;
      this._lastUrl = location.href;
      this._onPage({ url: location.href, title: document.title });
    }, 50);
  }
}
