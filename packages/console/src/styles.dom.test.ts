import { describe, expect, it } from 'vitest';
import { adoptStyles, CONSOLE_CSS } from './styles.js';

describe('adoptStyles', () => {
  it('adds the console stylesheet once, without a style element', () => {
    expect(adoptStyles(document)).toBe(true);
    expect(adoptStyles(document)).toBe(true);
    expect(document.adoptedStyleSheets).toHaveLength(1);
    expect(document.querySelector('style')).toBeNull();
  });

  it('styles only console classes and never relies on inline styles', () => {
    expect(CONSOLE_CSS).toContain('.pc-app');
    expect(CONSOLE_CSS).not.toContain('style=');
  });
});
