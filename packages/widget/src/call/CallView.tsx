/**
 * The call chunk's UI: the agent's incoming call, the visitor's outgoing one, the call in
 * progress, the line after a call that did not happen (with `Request a callback`), the callback
 * form and the status of the visitor's last request. While the panel is closed only a call in
 * progress shows.
 */
import { DEFAULT_LIMITS } from '@parley/protocol';
import type { Calls } from './call.js';
import { clock } from './quality.js';
import { windows } from './when.js';

/** Props of {@link CallView}. */
export interface CallViewProps {
  c: Calls;
}

/** Everything the call chunk shows, from its model. */
export function CallView({ c }: CallViewProps) {
  const { m, t } = c;
  const live = m.live;
  const actions = (primary: string, onPrimary: () => void, secondary: string, onSecondary: () => void) => (
    <div class="ask-actions">
      <button type="button" class="primary" onClick={onPrimary}>
        {primary}
      </button>
      <button type="button" class="secondary" onClick={onSecondary}>
        {secondary}
      </button>
    </div>
  );
  if (live && !live.mine) {
    const title = t.ringing(live.agent || t.someAgent);
    return (
      // Focus lands on the dialog, never on a button: a key meant for the page must not answer.
      <div class="ask" role="alertdialog" aria-label={title} tabIndex={-1}>
        <h3 class="ask-title">{title}</h3>
        {actions(t.accept, c.accept, t.decline, c.decline)}
      </div>
    );
  }
  if (live?.out && live.phase === 'ringing') {
    return (
      <div class="ask call">
        <p role="status">{t.calling}</p>
        <div class="ask-actions">
          <button type="button" class="secondary" onClick={c.hangUp}>
            {t.cancel}
          </button>
        </div>
      </div>
    );
  }
  if (live) {
    return (
      <div class="ask call" role="region" aria-label={t.call} tabIndex={-1}>
        {live.phase === 'active' ? <span role="timer">{clock(Date.now() - live.since)}</span> : <span>{t.connecting}</span>}
        {m.quality && <span class="q">{t.quality[m.quality]}</span>}
        <div class="ask-actions">
          <button type="button" class="secondary" aria-pressed={m.muted} onClick={c.mute}>
            {t.mute}
          </button>
          <button type="button" class="end" onClick={c.hangUp}>
            {t.hangUp}
          </button>
        </div>
      </div>
    );
  }
  if (m.floating) return null;
  const last = m.callbacks[0];
  const formOnSubmit = (event: Event) => {
    event.preventDefault();
    c.submit(event.currentTarget as HTMLFormElement);
  };
  return (
    <>
      {m.mishap && (
        <div class="ask">
          <p>{t.mishap[m.mishap]}</p>
          {actions(t.requestCallback, () => c.form(true), t.dismiss, c.dismiss)}
        </div>
      )}
      {m.form && (
        <form class="ask cbf" aria-label={t.requestCallback} onSubmit={formOnSubmit}>
          <label for="pc-phone">{t.phone}</label>
          <input
            id="pc-phone"
            name="phone"
            type="tel"
            autocomplete="tel"
            required
            maxLength={32}
            aria-invalid={m.error === t.refused.phone_invalid}
            aria-describedby={m.error ? 'pc-error' : undefined}
          />
          {m.error && (
            <p id="pc-error" class="err">
              {m.error}
            </p>
          )}
          <label for="pc-when">{t.when}</label>
          <select id="pc-when" name="when">
            {windows(new Date()).map((w) => (
              <option value={w.key}>{t.whens[w.key]}</option>
            ))}
          </select>
          <label for="pc-note">{t.note}</label>
          <textarea id="pc-note" name="note" rows={2} maxLength={DEFAULT_LIMITS.maxTextLength} />
          <div class="ask-actions">
            <button class="primary">{t.submit}</button>
            <button type="button" class="secondary" onClick={() => c.form(false)}>
              {t.close}
            </button>
          </div>
        </form>
      )}
      {last && !m.form && (
        <p class="cbs" role="status">
          {t.status[last.status]}
        </p>
      )}
    </>
  );
}
