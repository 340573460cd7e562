/**
 * The widget's root component: the launcher and, while open, the panel. Owns focus: into the
 * message box on open, back to the launcher on close when focus was inside the widget.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Widget } from '../core/widget.js';
import { Launcher } from './Launcher.js';
import { Panel } from './Panel.js';
import { useView } from './use-view.js';
import { useVisualViewport } from './use-visual-viewport.js';

/** Props of {@link App}. */
export interface AppProps {
  widget: Widget;
  /** The shadow root, to tell whether focus is inside the widget. */
  root: ShadowRoot;
}

/** Launcher plus panel, bound to one widget. */
export function App({ widget, root }: AppProps) {
  const view = useView(widget);
  const [draft, setDraft] = useState('');
  const launcherRef = useRef<HTMLButtonElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const promptRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  useVisualViewport(rootRef);
  const wasOpen = useRef(view.open);
  const focusWasInside = useRef(false);

  useEffect(() => {
    // `close` fires before the panel unmounts, while focus can still be seen inside it.
    const off = widget.events.on('close', () => {
      focusWasInside.current = root.activeElement !== null;
    });
    return () => void off();
  }, [widget]);

  // A layout effect: focus moves in the same frame the panel appears.
  useLayoutEffect(() => {
    if (view.open === wasOpen.current) return;
    wasOpen.current = view.open;
    // A co-browse request opens the panel: its prompt is what needs reading first.
    if (view.open) (promptRef.current ?? inputRef.current)?.focus();
    // Closing from the page's code must not steal the page's focus.
    else if (focusWasInside.current) launcherRef.current?.focus();
  }, [view.open]);

  const draftOnChange = (text: string) => {
    setDraft(text);
    if (text.trim()) widget.typing();
  };
  const composerOnSend = (text: string) => {
    if (widget.send(text)) setDraft('');
  };
  const close = () => widget.setOpen(false);
  const cobrowse = view.cobrowse;
  // Set whenever `cobrowse` is: the view shows no co-browse until the chunk with its UI loaded.
  const ui = widget.cobrowseUi;
  const answer = (granted: boolean) => {
    widget.answerCobrowse(granted);
    // The prompt and its buttons go away: keep focus in the panel.
    inputRef.current?.focus();
  };

  return (
    <div ref={rootRef} class={view.open ? 'root open' : 'root'} lang={view.language}>
      {cobrowse?.sharing && ui && (
        <ui.Indicator
          cobrowse={cobrowse}
          language={view.language}
          onStop={() => widget.endCobrowse('view')}
          onStopControl={() => widget.endCobrowse('control')}
        />
      )}
      {view.open && (
        <Panel
          view={view}
          draft={draft}
          inputRef={inputRef}
          onDraft={draftOnChange}
          onSend={composerOnSend}
          onClose={close}
          onCall={() => widget.startCall()}
          callSlot={widget.attachCallSlot}
          prompt={
            cobrowse?.ask &&
            ui && <ui.Prompt cobrowse={cobrowse} language={view.language} promptRef={promptRef} onAnswer={answer} />
          }
        />
      )}
      <Launcher
        open={view.open}
        unread={view.unread}
        strings={view.strings}
        buttonRef={launcherRef}
        onToggle={() => widget.toggle()}
      />
    </div>
  );
}
