/** The hook that re-renders a component whenever the widget's view changes. */
import { useEffect, useReducer } from 'preact/hooks';
import type { Widget } from '../core/widget.js';
import type { WidgetView } from '../core/view.js';

/** The widget's current view; the component re-renders on every change. */
export function useView(widget: Widget): WidgetView {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const off = widget.events.on('change', () => bump(undefined));
    return () => void off();
  }, [widget]);
  return widget.view;
}
