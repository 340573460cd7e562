/** The round button that opens and closes the panel, with the unread badge beside it. */
import type { Ref } from 'preact';
import type { Strings } from '../core/i18n.js';
import { ChatIcon, DownIcon } from './Icons.js';

/** Props of {@link Launcher}. */
export interface LauncherProps {
  open: boolean;
  unread: number;
  strings: Strings;
  buttonRef: Ref<HTMLButtonElement>;
  onToggle: () => void;
}

/** The launcher button ("Open chat" / "Close chat") and its badge ("N unread"). */
export function Launcher({ open, unread, strings: t, buttonRef, onToggle }: LauncherProps) {
  return (
    <div class="launcher-wrap">
      <button
        ref={buttonRef}
        type="button"
        class="launcher"
        aria-label={open ? t.closeChat : t.openChat}
        aria-expanded={open}
        aria-controls="parley-panel"
        onClick={onToggle}
      >
        {open ? <DownIcon /> : <ChatIcon />}
      </button>
      {unread > 0 && !open && (
        // A sibling, not a child: a button's children are hidden from assistive technology.
        <span class="badge" role="img" aria-label={t.unread(unread)}>
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </div>
  );
}
