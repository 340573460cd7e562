/**
 * The last privacy check on every recorded event before it is batched: no masked field may carry
 * a `value` other than empty or the mask. rrweb masks a field's live value, but a field the
 * visitor emptied keeps the value attribute its page was served with, and rrweb sends that
 * attribute as it is; this puts the mask (or nothing, for an empty field) in its place.
 */
import { COBROWSE_MASK } from '@parley/protocol';
import type { RecordedEvent } from './event-batcher.js';
import { isMaskedField } from './masking.js';

/** rrweb's event and node type numbers this check reads. */
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const ELEMENT_NODE = 2;
const FIELDS = new Set(['input', 'textarea', 'select']);
const LABEL_TYPES = new Set(['button', 'submit', 'reset', 'image']);

/** A serialised node, as far as this check reads it. */
interface SerializedNode {
  type?: number;
  id?: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

type Find = (id: number) => Node | null;

/** What a masked field's `value` may say: nothing when the field is empty, else the mask. */
function safeValue(id: number | undefined, find: Find): string {
  const element = id === undefined ? null : find(id);
  const live = element && 'value' in element ? String((element as HTMLInputElement).value) : '';
  return live ? COBROWSE_MASK : '';
}

function needsScrub(id: number | undefined, value: unknown, find: Find, unmask: readonly string[]): boolean {
  if (typeof value !== 'string' || value === '' || value === COBROWSE_MASK) return false;
  const node = id === undefined ? null : find(id);
  // A field no longer on the page cannot be asked: keep its value hidden. (nodeType, not
  // instanceof: elements of a recorded same-origin frame belong to that frame's realm.)
  if (!node || node.nodeType !== 1) return true;
  const element = node as Element;
  if (!FIELDS.has(element.tagName.toLowerCase())) return false;
  if (element.tagName === 'INPUT' && LABEL_TYPES.has((element as HTMLInputElement).type.toLowerCase())) return false;
  return isMaskedField(element, unmask);
}

function scrubTree(root: SerializedNode | undefined, find: Find, unmask: readonly string[]): void {
  const stack = root ? [root] : [];
  while (stack.length) {
    const node = stack.pop()!;
    const attributes = node.attributes;
    if (node.type === ELEMENT_NODE && attributes && FIELDS.has(node.tagName ?? '') && needsScrub(node.id, attributes.value, find, unmask)) {
      attributes.value = safeValue(node.id, find);
    }
    if (node.childNodes) stack.push(...node.childNodes);
  }
}

/** Makes sure no masked field's value travels in `event`; returns the event (changed in place). */
export function scrubFieldValues(event: RecordedEvent, find: Find, unmask: readonly string[]): RecordedEvent {
  const data = event.data as
    | { node?: SerializedNode; source?: number; adds?: { node?: SerializedNode }[]; attributes?: { id?: number; attributes?: Record<string, unknown> }[] }
    | undefined;
  if (!data) return event;
  if (event.type === FULL_SNAPSHOT) scrubTree(data.node, find, unmask);
  else if (event.type === INCREMENTAL && data.source === MUTATION) {
    for (const add of data.adds ?? []) scrubTree(add.node, find, unmask);
    for (const change of data.attributes ?? []) {
      if (change.attributes && needsScrub(change.id, change.attributes.value, find, unmask)) {
        change.attributes.value = safeValue(change.id, find);
      }
    }
  }
  return event;
}
