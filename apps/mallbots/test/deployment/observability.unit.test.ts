import { describe, expect, it } from 'vitest';
import { filesUnder, read, systemModuleNames, yamlOf } from './support.js';

interface Pipeline {
  receivers: string[];
  processors?: string[];
  exporters: string[];
}

/** The metric names a PromQL expression reads: what is left once functions, labels and ranges are gone. */
function metricsIn(expr: string): string[] {
  const bare = expr.replace(/\{[^}]*\}|\[[^\]]*\]|"[^"]*"/g, '').replace(/\b(by|without)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*\()/g)].map((match) => match[1]!);
}

describe('observability profile (deploy/otel, deploy/prometheus, deploy/grafana)', () => {
  it("scrapes every application's modules' processes, the identity provider's and the monolith on their HTTP port", () => {
    const prometheus = yamlOf('deploy/prometheus/prometheus.yaml') as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) =>
      job.static_configs.flatMap((config) => config.targets.map((target) => [job.job_name, target])),
    );
    for (const name of ['mallbots', ...systemModuleNames, 'identity']) {
      expect(targets, name).toContainEqual([name, `${name}:8080`]);
    }
    // /metrics is the default path, which is where MallBots serves them.
    expect(prometheus.scrape_configs.filter((job) => job.metrics_path !== undefined)).toEqual([]);
  });

  it('wires only receivers, processors, connectors and exporters the collector defines', () => {
    const collector = yamlOf('deploy/otel/collector.yaml') as Record<string, Record<string, unknown>> & {
      service: { pipelines: Record<string, Pipeline> };
    };
    const defined = (section: string) => Object.keys(collector[section] ?? {});
    const connectors = defined('connectors');
    const pipelines = Object.values(collector.service.pipelines);
    for (const pipeline of pipelines) {
      for (const receiver of pipeline.receivers) {
        expect([...defined('receivers'), ...connectors]).toContain(receiver);
      }
      for (const processor of pipeline.processors ?? []) expect(defined('processors')).toContain(processor);
      for (const exporter of pipeline.exporters)
        expect([...defined('exporters'), ...connectors]).toContain(exporter);
    }
    // A connector is an exporter of one pipeline and a receiver of another, or it silently does nothing.
    for (const connector of connectors) {
      expect(
        pipelines.some((pipeline) => pipeline.exporters.includes(connector)),
        connector,
      ).toBe(true);
      expect(
        pipelines.some((pipeline) => pipeline.receivers.includes(connector)),
        connector,
      ).toBe(true);
    }
    const exporters = collector.exporters as Record<string, { endpoint?: string }>;
    expect(exporters['otlp/jaeger']?.endpoint).toBe('jaeger:4317');
  });

  it('charts only metrics the platform defines, from the provisioned data source', () => {
    const datasources = yamlOf('deploy/grafana/provisioning/datasources/datasources.yaml') as {
      datasources: { uid: string }[];
    };
    const uids = datasources.datasources.map((source) => source.uid);
    const platformSource = filesUnder('packages/platform/src', ['.ts'])
      .map((file) => read(`packages/platform/src/${file}`))
      .join('\n');
    const dashboards = filesUnder('deploy/grafana/dashboards', ['.json']);
    expect(dashboards.length).toBeGreaterThan(0);
    for (const file of dashboards) {
      const dashboard = JSON.parse(read(`deploy/grafana/dashboards/${file}`)) as {
        panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
      };
      for (const panel of dashboard.panels) {
        expect(uids, panel.title).toContain(panel.datasource.uid);
        for (const { expr } of panel.targets) {
          const metrics = metricsIn(expr);
          expect(metrics.length, expr).toBeGreaterThan(0);
          for (const metric of metrics) {
            // A histogram's series carry suffixes its definition does not.
            const family = metric.replace(/_(bucket|count|sum)$/, '');
            expect(platformSource, `${panel.title}: ${metric}`).toContain(`name: '${family}'`);
          }
        }
      }
    }
  });
});
