import { COBROWSE_MASK } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { scrubFieldValues } from './scrub.js';
import { PageNodes } from '../testing/page-nodes.js';

const page = new PageNodes();
const { find } = page;
const add = (id: number, html: string) => page.add(id, html);


const field = (id: number, tagName: string, value: string) => ({ type: 2, id, tagName, attributes: { value }, childNodes: [] });

afterEach(() => page.clear());

describe('scrubFieldValues', () => {
  it('replaces the served value of an emptied masked field with nothing, and of a filled one with the mask', () => {
    add(2, '<input value="served-secret">').setAttribute('value', 'served-secret');
    (find(2) as HTMLInputElement).value = '';
    add(3, '<input value="served-too">');
    const snapshot = {
      type: 2,
      data: { node: { type: 0, childNodes: [{ type: 2, tagName: 'form', attributes: {}, childNodes: [field(2, 'input', 'served-secret'), field(3, 'input', 'served-too')] }] } },
    };
    const out = JSON.stringify(scrubFieldValues(snapshot, find, []));
    expect(out).not.toContain('served');
    expect(snapshot.data.node.childNodes[0]!.childNodes.map((n) => n.attributes.value)).toEqual(['', COBROWSE_MASK]);
  });

  it('keeps values of unmasked fields, button labels and elements that are not fields', () => {
    add(2, '<input id="promo" value="SPRING">');
    add(3, '<input type="submit" value="Pay now">');
    add(4, '<li value="3">three</li>');
    const snapshot = { type: 2, data: { node: { type: 0, childNodes: [field(2, 'input', 'SPRING'), field(3, 'input', 'Pay now'), field(4, 'li', '3')] } } };
    scrubFieldValues(snapshot, find, ['#promo']);
    expect(snapshot.data.node.childNodes.map((n) => n.attributes.value)).toEqual(['SPRING', 'Pay now', '3']);
  });

  it('scrubs added nodes and value attribute changes in mutations, even for a field no longer on the page', () => {
    add(5, '<textarea></textarea>');
    add(6, '<input type="password">');
    (find(6) as HTMLInputElement).value = 'typed';
    const mutation = {
      type: 3,
      data: {
        source: 0,
        adds: [{ node: field(5, 'textarea', 'served-note') }],
        attributes: [
          { id: 6, attributes: { value: 'set-by-script' } },
          { id: 99, attributes: { value: 'gone-field' } },
          { id: 6, attributes: { class: 'x' } },
        ],
      },
    };
    scrubFieldValues(mutation, find, ['input[type=password]']);
    expect(mutation.data.adds[0]!.node.attributes.value).toBe('');
    expect(mutation.data.attributes.map((a) => a.attributes.value)).toEqual([COBROWSE_MASK, '', undefined]);
  });
});
