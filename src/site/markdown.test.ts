import { describe, expect, it } from 'vitest';
import { inlineMarkdown, markdownToHtml, safeUrl } from './markdown.ts';

describe('markdown', () => {
  it('renders markdown', () => {
    expect(markdownToHtml('## Postmortem\n\nThe **pool** ran out.')).toBe('<h2>Postmortem</h2>\n<p>The <strong>pool</strong> ran out.</p>\n');
  });

  it('shows raw HTML as text, never as markup', () => {
    const html = inlineMarkdown('expected JSON but got text/html ("<!doctype html><script>alert(1)</script>")');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(markdownToHtml('<img src=x onerror=alert(1)>')).not.toContain('<img');
  });

  it('drops javascript: and data: link targets, keeps http(s), mailto and relative ones', () => {
    expect(inlineMarkdown('[x](javascript:alert(1))')).toBe('x');
    expect(inlineMarkdown('[x](JaVaScRiPt:alert(1))')).toBe('x');
    expect(inlineMarkdown('![i](data:image/svg+xml,<svg onload=alert(1)>)')).not.toContain('<img');
    expect(inlineMarkdown('[x](https://example.com/a?b=1&c=2)')).toBe('<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener">x</a>');
    expect(inlineMarkdown('[x](../incidents/a/)')).toContain('href="../incidents/a/"');
  });
});

describe('link targets as the browser reads them', () => {
  it('drops a scheme the browser would see through tabs, line breaks and leading controls', () => {
    for (const md of ['[x](<java\tscript:alert(1)>)', '[x](<java\nscript:alert(1)>)', '[x](<\u0001javascript:alert(1)>)', '[x](<JAVA\rSCRIPT:alert(1)>)', '[x]( vbscript:x)']) {
      const html = inlineMarkdown(md);
      expect(html, md).not.toContain('<a');
    }
    expect(inlineMarkdown('![i](<java\tscript:alert(1)>)')).not.toContain('<img');
  });

  it('drops scheme-relative targets however the slashes are written', () => {
    for (const href of ['//evil.example/', '\\\\evil.example/', '/\\evil.example/']) expect(safeUrl(href), href).toBeNull();
    expect(safeUrl('/status/incidents/')).toBe('/status/incidents/');
    expect(safeUrl('https://example.com/\tpath')).toBe('https://example.com/path');
  });
});
