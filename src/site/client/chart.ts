// Client script of component pages: draws each check's response-time chart from the JSON block
// beside its canvas. Bundled with chart.js when the pages are compiled (scripts/build-site.ts).
import { Chart, LineController, LineElement, PointElement, LinearScale, Tooltip, Filler } from 'chart.js';
import { timeAxis } from './time-ticks.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Filler);

type Point = [number, number | null, string];
for (const canvas of document.querySelectorAll<HTMLCanvasElement>('canvas[data-response-chart]')) {
  const source = canvas.closest('figure')?.querySelector('script[data-response-data]');
  if (!source?.textContent) continue;
  const { series, timeZone, locale, points } = JSON.parse(source.textContent) as { series: string; timeZone: string; locale: string; points: Point[] };
  const fmt = new Intl.DateTimeFormat(locale, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const color = getComputedStyle(document.documentElement).getPropertyValue('--maintenance').trim() || '#0969da';
  // Round, distinct ticks in the page's zone (src/site/client/time-ticks.ts), whatever the range.
  const xs = points.map(([t]) => t);
  const axis = timeAxis(Math.min(...xs), Math.max(...xs), { timeZone, locale });
  const chart = new Chart(canvas, {
    type: 'line',
    data: {
      datasets: [
        {
          label: series,
          data: points.map(([t, ms]) => ({ x: t, y: ms })),
          borderColor: color,
          backgroundColor: color,
          pointRadius: points.length > 100 ? 0 : 2,
          borderWidth: 1.5,
          spanGaps: false,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: {
          type: 'linear',
          min: axis.min,
          max: axis.max,
          afterBuildTicks: (scale) => {
            scale.ticks = axis.ticks.map((value) => ({ value }));
          },
          ticks: { callback: (v) => axis.label(Number(v)), maxRotation: 0 },
        },
        y: { beginAtZero: true, title: { display: true, text: 'ms' } },
      },
      plugins: {
        tooltip: { callbacks: { title: (items) => fmt.format(new Date(Number(items[0]?.parsed.x))) } },
      },
    },
  });
  // The axis as drawn, for assistive technology and the page's tests.
  canvas.dataset['xTicks'] = chart.scales['x']?.ticks.map((tick) => String(tick.label)).join(' | ') ?? '';
}
