import { describe, expect, it } from 'vitest';
import { inlineMarkdown, markdownToHtml } from './markdown.ts';

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
