/**
 * The co-browse consent prompt, inside the panel: who asks, what they will see (or do), and the
 * two answers. It takes focus when it appears so a screen reader announces it, but never on a
 * button: a key pressed for the host page must not answer for the visitor.
 */
import type { CobrowsePromptProps } from '../core/cobrowse-ui-host.js';
import { cobrowseStrings } from './strings.js';

/** The alertdialog "<Agent> wants to see this page" (or "... asks to control this page"). */
export function CobrowsePrompt({ cobrowse, language, promptRef, onAnswer }: CobrowsePromptProps) {
  const t = cobrowseStrings(language);
  const agent = cobrowse.agent || t.someAgent;
  const control = cobrowse.ask === 'control';
  const title = control ? t.askControl(agent) : t.askView(agent);
  return (
    <div ref={promptRef} class="ask" role="alertdialog" aria-label={title} aria-describedby="parley-ask-body" tabIndex={-1}>
      <h3 class="ask-title">{title}</h3>
      <p id="parley-ask-body">{control ? t.askControlBody : t.askViewBody}</p>
      <div class="ask-actions">
        <button type="button" class="primary" onClick={() => onAnswer(true)}>
          {control ? t.allowControl : t.share}
        </button>
        <button type="button" class="secondary" onClick={() => onAnswer(false)}>
          {t.notNow}
        </button>
      </div>
    </div>
  );
}
