import { describe, expect, it } from 'vitest';
import { applications, exists, filesUnder, read, systemModuleNames, yamlOf } from './support.js';

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

interface Datasource {
  uid: string;
  url?: string;
  jsonData?: {
    tracesToLogsV2?: { datasourceUid: string; query: string };
    derivedFields?: { datasourceUid: string; matcherRegex: string }[];
  };
}
const datasources = () =>
  (yamlOf('deploy/grafana/provisioning/datasources/datasources.yaml') as { datasources: Datasource[] })
    .datasources;

interface Dashboard {
  uid: string;
  templating: { list: { name: string; query: string }[] };
  panels: {
    type: string;
    title: string;
    datasource?: { uid: string };
    targets?: { expr: string }[];
  }[];
}
const dashboardOf = (file: string) => JSON.parse(read(`deploy/grafana/dashboards/${file}`)) as Dashboard;

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

  it('charts only metrics the platform and the applications define, from the provisioned data source', () => {
    const uids = datasources().map((source) => source.uid);
    // Where metrics are defined: the platform's, and each application's own (apps/<name>/src).
    const definingSource = [
      ...filesUnder('packages/platform/src', ['.ts']).map((file) => `packages/platform/src/${file}`),
      ...applications.flatMap((application) =>
        filesUnder(`apps/${application.name}/src`, ['.ts']).map(
          (file) => `apps/${application.name}/src/${file}`,
        ),
      ),
    ]
      .map(read)
      .join('\n');
    const files = filesUnder('deploy/grafana/dashboards', ['.json']);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const panel of dashboardOf(file).panels.filter((panel) => panel.type !== 'row')) {
        expect(uids, panel.title).toContain(panel.datasource?.uid);
        for (const { expr } of panel.targets ?? []) {
          const metrics = metricsIn(expr);
          expect(metrics.length, expr).toBeGreaterThan(0);
          for (const metric of metrics) {
            // A histogram's series carry suffixes its definition does not.
            const family = metric.replace(/_(bucket|count|sum)$/, '');
            expect(definingSource, `${file}, ${panel.title}: ${metric}`).toContain(`name: '${family}'`);
          }
        }
      }
    }
  });

  it("gives each application a dashboard of its modules' processes and the monolith's: throughput, latency, errors, lag, sagas", () => {
    const prometheusJobs = (
      yamlOf('deploy/prometheus/prometheus.yaml') as { scrape_configs: { job_name: string }[] }
    ).scrape_configs.map((job) => job.job_name);
    const uids = new Set<string>();
    for (const application of applications) {
      const dashboard = dashboardOf(`${application.name}.json`);
      expect(uids.has(dashboard.uid), dashboard.uid).toBe(false);
      uids.add(dashboard.uid);
      const job = dashboard.templating.list.find((variable) => variable.name === 'job');
      const jobs = job?.query.split(',') ?? [];
      expect(jobs, application.name).toEqual([
        ...application.modules.map((module) => module.name),
        'mallbots',
      ]);
      for (const name of jobs) expect(prometheusJobs, `${application.name}: ${name}`).toContain(name);
      const charts = dashboard.panels.filter((panel) => panel.type !== 'row');
      // Every query is of the chosen processes only.
      for (const panel of charts) {
        for (const { expr } of panel.targets ?? []) expect(expr, panel.title).toContain('job=~"$job"');
      }
      const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((panel) => panel.title);
      expect(rows, application.name).toEqual(
        expect.arrayContaining(['Throughput', 'Latency', 'Errors', 'Consumer lag', 'Sagas']),
      );
      const exprs = charts.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)).join('\n');
      for (const metric of [
        'histogram_quantile',
        'messaging_consumer_pending_messages',
        'saga_transitions_total',
      ]) {
        expect(exprs, `${application.name}: ${metric}`).toContain(metric);
      }
    }
  });

  it('provisions files that exist where compose mounts them, and joins traces and logs both ways', () => {
    const compose = yamlOf('compose.yaml') as { services: Record<string, { volumes?: string[] }> };
    // Where each of Grafana's container paths comes from in the repository.
    const mounts = new Map(
      (compose.services.grafana?.volumes ?? []).map((volume) => {
        const [source, target] = volume.split(':');
        return [target!, source!.replace(/^\.\//, '')];
      }),
    );
    const inRepository = (containerPath: string) => {
      const mount = [...mounts].find(([target]) => containerPath.startsWith(target));
      expect(mount, containerPath).toBeDefined();
      return `${mount![1]}${containerPath.slice(mount![0].length)}`;
    };
    const providers = yamlOf('deploy/grafana/provisioning/dashboards/dashboards.yaml') as {
      providers: { options: { path: string } }[];
    };
    expect(providers.providers.length).toBeGreaterThan(0);
    for (const provider of providers.providers) {
      const folder = inRepository(provider.options.path);
      expect(exists(folder), folder).toBe(true);
      expect(filesUnder(folder, ['.json']).length, folder).toBeGreaterThan(0);
    }
    expect(exists(inRepository('/etc/grafana/provisioning/datasources/datasources.yaml'))).toBe(true);
    // Every file a service of the profile mounts from the repository is there.
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(exists(source), `${name} mounts ${source}`).toBe(true);
      }
    }

    const sources = new Map(datasources().map((source) => [source.uid, source]));
    const jaeger = sources.get('jaeger');
    const loki = sources.get('loki');
    // A span's logs: the lines that carry its trace's id (Grafana's own variable, escaped from provisioning's).
    expect(jaeger?.jsonData?.tracesToLogsV2?.datasourceUid).toBe('loki');
    expect(jaeger?.jsonData?.tracesToLogsV2?.query).toContain('$${__trace.traceId}');
    // A log line's trace: its trace_id field, as the logger writes it in JSON.
    const [field] = loki?.jsonData?.derivedFields ?? [];
    expect(field?.datasourceUid).toBe('jaeger');
    const line = JSON.stringify({
      level: 30,
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
    });
    expect(new RegExp(field!.matcherRegex).exec(line)?.[1]).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    // Alloy reads the containers' lines and sends them to the Loki Grafana reads.
    const alloy = read('deploy/alloy/config.alloy');
    expect(alloy).toContain(`url = "${loki!.url}/loki/api/v1/push"`);
    expect(alloy).toContain('com.docker.compose.project=mallbots');
  });
});
