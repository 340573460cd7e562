/**
 * What the visitor sees while their page is shared, with the panel open or closed: a thin frame
 * around the viewport and a bar saying who is viewing (or controlling), with the buttons that
 * stop it at once.
 */
import type { CobrowseIndicatorProps } from '../core/cobrowse-ui-host.js';
import { cobrowseStrings } from './strings.js';

/** The frame and the "Screen sharing" status with "Stop sharing" (and "Stop control"). */
export function CobrowseIndicator({ cobrowse, language, onStop, onStopControl }: CobrowseIndicatorProps) {
  const t = cobrowseStrings(language);
  const agent = cobrowse.agent || t.someAgent;
  return (
    <>
      <div class={cobrowse.control ? 'cb-frame control' : 'cb-frame'} aria-hidden="true" />
      <div class="cb-bar" role="status" aria-label={t.sharing}>
        <span class="cb-dot" aria-hidden="true" />
        <span class="cb-text">{cobrowse.control ? t.controlling(agent) : t.viewing(agent)}</span>
        {cobrowse.control && (
          <button type="button" class="cb-stop" onClick={onStopControl}>
            {t.stopControl}
          </button>
        )}
        <button type="button" class="cb-stop" onClick={onStop}>
          {t.stopSharing}
        </button>
      </div>
    </>
  );
}
