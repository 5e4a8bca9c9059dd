// The standalone report (reports/YYYY-MM.html as `cairn report` wrote it): self-contained, for printing.
import type { APIRoute } from 'astro';
import type { ReportPage } from '../../reports/types.ts';
import { getModel } from '../../site/data.ts';

export function getStaticPaths() {
  return (getModel().reports ?? []).map((report) => ({ params: { month: report.month }, props: { report } }));
}

export const GET: APIRoute = ({ props }) => new Response((props as { report: ReportPage }).report.html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
