// The report's markdown (reports/YYYY-MM.md), when the status repo has it.
import type { APIRoute } from 'astro';
import type { ReportPage } from '../../reports/types.ts';
import { getModel } from '../../site/data.ts';


export const GET: APIRoute = ({ params }) => {
  const report: ReportPage | undefined = (getModel().reports ?? []).find((r) => r.month === params['month']);
  if (!report || report.markdown === null) return new Response('Not found\n', { status: 404 });
  return new Response(report.markdown, { headers: { 'content-type': 'text/markdown; charset=utf-8' } });
};
