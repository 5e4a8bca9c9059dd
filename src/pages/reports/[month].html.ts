// The standalone report (reports/YYYY-MM.html as `cairn report` wrote it): self-contained, for printing.
import type { APIRoute } from 'astro';
import type { ReportPage } from '../../reports/types.ts';
import { getModel } from '../../site/data.ts';


export const GET: APIRoute = ({ params }) => {
  const report: ReportPage | undefined = (getModel().reports ?? []).find((r) => r.month === params['month']);
  if (!report) return new Response('Not found\n', { status: 404 });
  return new Response(report.html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
};
