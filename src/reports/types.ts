/** What the site shows of a monthly report (read from the status repo's reports/ folder by `cairn build`). */
export interface ReportPage {
  /** `YYYY-MM` (UTC). */
  month: string;
  /** The report's title, from its HTML `<title>`. */
  title: string;
  /** The executive summary's sentences, plain text; empty when the report has none. */
  summary: string[];
  /** The report's own `<style>` (scoped to `.cairn-report`), or '' for a custom template without it. */
  style: string;
  /** The report's `<article class="cairn-report">…</article>`, or the whole `<body>` of a custom template. */
  body: string;
  /** The whole HTML file (served as `/reports/YYYY-MM.html`, for printing) and the markdown. */
  html: string;
  markdown: string | null;
}
