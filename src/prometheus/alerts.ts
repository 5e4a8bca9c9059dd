/**
 * Firing alerts from a server's /api/v1/alerts, attached to components: an alert belongs to the
 * component named by its `alertLabel` label (default `component`). One request per endpoint.
 */
import type { PrometheusEndpointSettings } from '../config/resolve-prometheus.ts';
import type { FiringAlert, PromClient } from './client.ts';
import type { AlertEntry } from './types.ts';

export function attachAlerts(alerts: readonly FiringAlert[], endpoint: Pick<PrometheusEndpointSettings, 'id' | 'alertLabel'>, components: ReadonlySet<string>): AlertEntry[] {
  const out: AlertEntry[] = [];
  for (const a of alerts) {
    if (a.state !== 'firing') continue;
    const component = a.labels[endpoint.alertLabel];
    if (component === undefined || !components.has(component)) continue;
    out.push({
      component,
      endpoint: endpoint.id,
      name: a.labels['alertname'] ?? 'alert',
      severity: a.labels['severity'] ?? null,
      summary: a.annotations['summary'] ?? a.annotations['description'] ?? null,
      activeAt: a.activeAt,
    });
  }
  return out.sort((x, y) => x.component.localeCompare(y.component) || x.name.localeCompare(y.name));
}

export async function fetchAlerts(client: PromClient, components: ReadonlySet<string>): Promise<AlertEntry[]> {
  return attachAlerts(await client.alerts(), client.endpoint, components);
}
