/**
 * Markdown of incident bodies and updates to HTML, at build time. Raw HTML in the markdown is
 * shown as text, never rendered: update texts can quote what a failing server answered.
 */
import { Marked } from 'marked';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
  },
});

export function markdownToHtml(md: string): string {
  return marked.parse(md, { async: false });
}

/** One paragraph of inline markdown (updates), without a wrapping <p>. */
export function inlineMarkdown(md: string): string {
  return marked.parseInline(md, { async: false });
}
