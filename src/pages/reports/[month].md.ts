// The report's markdown (reports/YYYY-MM.md), when the status repo has it.
import type { APIRoute } from 'astro';
import type { ReportPage } from '../../reports/types.ts';
import { getModel } from '../../site/data.ts';

export function getStaticPaths() {
  return (getModel().reports ?? []).filter((r) => r.markdown !== null).map((report) => ({ params: { month: report.month }, props: { report } }));
}

export const GET: APIRoute = ({ props }) => new Response((props as { report: ReportPage }).report.markdown ?? '', { headers: { 'content-type': 'text/markdown; charset=utf-8' } });
