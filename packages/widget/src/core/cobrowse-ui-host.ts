/**
 * The contract between the widget core and its lazily loaded co-browse UI chunk (the consent
 * prompt and the sharing indicator). Types only: the core loads the chunk with `import()` when
 * the first co-browse state that needs either arrives, and the App renders its components.
 */
import type { FunctionComponent, Ref } from 'preact';
import type { CobrowseView } from './cobrowse.js';
import type { Language } from './i18n.js';

/** Props of the consent prompt. */
export interface CobrowsePromptProps {
  cobrowse: CobrowseView;
  language: Language;
  /** Receives the prompt's element: the App focuses it when the request opened the panel. */
  promptRef: Ref<HTMLDivElement>;
  onAnswer: (granted: boolean) => void;
}

/** Props of the sharing indicator. */
export interface CobrowseIndicatorProps {
  cobrowse: CobrowseView;
  language: Language;
  onStop: () => void;
  onStopControl: () => void;
}

/** The chunk's components, rendered by the App inside the widget's own tree. */
export interface CobrowseUi {
  Prompt: FunctionComponent<CobrowsePromptProps>;
  Indicator: FunctionComponent<CobrowseIndicatorProps>;
}

/** The chunk's entry point: adopts its CSS into the widget's shadow root (null: no UI mounted). */
export type StartCobrowseUi = (root: ShadowRoot | null) => CobrowseUi;
