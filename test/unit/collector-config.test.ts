import { describe, expect, test } from 'vitest';
import {
  exportersInUse,
  MAX_COMPONENTS,
  parseCollectorConfig,
  pipelineComponents,
  receiverPorts,
  stringifyCollectorConfig,
  targetsOfConfig,
  reviewCollectorConfig,
  validateCollectorConfig,
  type CollectorConfig,
} from '../../src/core/collector-config.js';

function parsed(text: string): CollectorConfig {
  const result = parseCollectorConfig(text);
  expect(result.problems).toEqual([]);
  if (!result.config) throw new Error('no config');
  return result.config;
}

function problemsOf(text: string) {
  return validateCollectorConfig(parsed(text));
}

const xrayConfig = `
receivers:
  awsxray:
    endpoint: 0.0.0.0:2000
    transport: udp
processors:
  batch/traces:
    timeout: 1s
exporters:
  awsxray:
    region: us-west-2
service:
  pipelines:
    traces:
      receivers: [awsxray]
      processors: [batch/traces]
      exporters: [awsxray]
`;

const ampConfig = `
receivers:
  prometheus:
    config:
      scrape_configs:
        - job_name: pods
          relabel_configs:
            - source_labels: [__address__]
              regex: ([^:]+)(?::\\d+)?
              replacement: $$1:9090
              target_label: __address__
exporters:
  prometheusremotewrite:
    endpoint: https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write
    auth:
      authenticator: sigv4auth
extensions:
  sigv4auth:
    region: us-east-1
    service: aps
service:
  extensions: [sigv4auth]
  pipelines:
    metrics:
      receivers: [prometheus]
      exporters: [prometheusremotewrite]
`;

describe('parseCollectorConfig', () => {
  test('reads a configuration; absent and empty sections become empty mappings', () => {
    const config = parsed(xrayConfig);
    expect(config.exporters).toEqual({ awsxray: { region: 'us-west-2' } });
    expect(config.extensions).toEqual({});
    expect(config.service.pipelines.traces).toEqual({
      receivers: ['awsxray'],
      processors: ['batch/traces'],
      exporters: ['awsxray'],
    });
    expect(parsed('receivers:\n  otlp:\nextensions:\nservice: {pipelines: {}}').receivers).toEqual({ otlp: null });
  });

  test('syntax errors are problems with their line', () => {
    const result = parseCollectorConfig('receivers:\n  otlp: {\nservice:\n  pipelines: x\n');
    expect(result.config).toBeUndefined();
    expect(result.problems[0]?.path).toMatch(/^line \d+, column \d+$/);
    expect(result.problems[0]?.message).toMatch(/^YAML syntax error/);
    const duplicate = parseCollectorConfig('receivers: {}\nreceivers: {}\nservice: {pipelines: {}}\n');
    expect(duplicate.problems[0]?.path).toBe('line 2, column 1');
    const nested = parseCollectorConfig('receivers:\n  otlp: {}\n  otlp: {}\nservice: {pipelines: {}}\n');
    expect(nested.problems).toEqual([
      {
        path: 'line 3, column 3',
        message: 'YAML syntax error: Map keys must be unique: "otlp" is defined again',
        hint: 'Fix the YAML syntax',
      },
    ]);
  });

  test('an alias bomb and an oversized text are problems, not a hang', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const name of 'bcdefgh') {
      bomb.push(
        `${name}: &${name} [${Array(9)
          .fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`)
          .join(', ')}]`,
      );
    }
    expect(parseCollectorConfig(bomb.join('\n')).problems[0]?.message).toContain('Excessive alias count');
    expect(parseCollectorConfig(`# ${'x'.repeat(5 * 1024 * 1024)}\n`).problems[0]?.message).toMatch(
      /at most \d+ are read/,
    );
  });

  test('more components than MAX_COMPONENTS is one problem, not a long validation', () => {
    const receivers = Array.from({ length: MAX_COMPONENTS + 1 }, (_, index) => `  otlp/r${index}: {}`);
    const text = `receivers:\n${receivers.join('\n')}\nexporters:\n  debug: {}\nservice:\n  pipelines: {}\n`;
    const result = parseCollectorConfig(text);
    expect(result.config).toBeUndefined();
    expect(result.problems).toEqual([
      expect.objectContaining({
        message: `the configuration defines ${MAX_COMPONENTS + 2} components; at most ${MAX_COMPONENTS} are read`,
      }),
    ]);
    expect(parseCollectorConfig(text.replace(/^ {2}otlp\/r[0-2]: \{\}\n/gm, '')).config).toBeDefined();
  });

  test('shape errors: not a mapping, unknown keys, missing service, pipeline lists', () => {
    expect(parseCollectorConfig('- a\n- b\n').problems[0]?.message).toContain('mapping');
    expect(parseCollectorConfig('').problems[0]?.message).toContain('mapping');
    expect(parseCollectorConfig('receivers: {}\n').problems.map((problem) => problem.path)).toEqual(['service']);
    const result = parseCollectorConfig(
      'recievers: {}\nexporters: [a]\nservice:\n  pipelines:\n    traces:\n      receivers: otlp\n      exporters: [1]\n',
    );
    expect(result.config).toBeUndefined();
    expect(result.problems.map((problem) => problem.path)).toEqual([
      'recievers',
      'exporters',
      'service.pipelines.traces.receivers',
      'service.pipelines.traces.exporters',
    ]);
  });

  test('YAML anchors and merge keys are resolved', () => {
    const config = parsed(
      'exporters:\n  awsxray: &base {region: us-east-1}\n  awsxray/2:\n    <<: *base\n    index_all_attributes: true\nservice: {pipelines: {}}\n',
    );
    expect(config.exporters['awsxray/2']).toEqual({
      region: 'us-east-1',
      index_all_attributes: true,
    });
  });

  test('stringify and parse round-trip', () => {
    const config = parsed(ampConfig);
    expect(parsed(stringifyCollectorConfig(config))).toEqual(config);
  });
});

describe('validateCollectorConfig', () => {
  test('valid X-Ray and AMP configurations have no problems', () => {
    expect(problemsOf(xrayConfig)).toEqual([]);
    expect(problemsOf(ampConfig)).toEqual([]);
  });

  test('undefined pipeline components and duplicates', () => {
    const problems = problemsOf(`
receivers: {otlp: {protocols: {grpc: {}}}}
exporters: {debug: {}}
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp, zipkin]
      processors: [batch]
      exporters: [debug, debug]
`);
    expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
      ['service.pipelines.traces.receivers[1]', 'Pipeline "traces" uses receiver "zipkin", which is not defined'],
      ['service.pipelines.traces.processors[0]', 'Pipeline "traces" uses processor "batch", which is not defined'],
      ['service.pipelines.traces.exporters[1]', '"debug" is listed twice in pipeline "traces"'],
      ['service.extensions[0]', 'Extension "health_check" is enabled but not defined under extensions'],
    ]);
  });

  test('empty and unknown pipelines, components on the wrong signal', () => {
    const problems = problemsOf(`
receivers: {awsxray: {}, prometheus: {config: {}}}
exporters: {awsxray: {region: us-east-1}}
service:
  pipelines:
    spans:
      receivers: [awsxray]
      exporters: [awsxray]
    metrics:
      receivers: [prometheus]
      exporters: [awsxray]
    logs:
      receivers: []
      exporters: []
`);
    expect(problems.map((problem) => problem.path)).toEqual([
      'service.pipelines.spans',
      'service.pipelines.metrics.exporters[0]',
      'service.pipelines.logs.receivers',
      'service.pipelines.logs.exporters',
    ]);
    expect(problems[1]?.message).toBe('exporter "awsxray" does not handle metrics (it handles traces)');
    expect(problemsOf('service: {pipelines: {}}')[0]?.message).toContain('No pipelines');
  });

  test('unknown component types are flagged; known ones from the collector are not', () => {
    const problems = problemsOf(`
receivers: {otlp: {}, madeup/x: {}}
processors: {batch: {}, memory_limiter: {}, resourcedetection: {}}
exporters: {debug: {}, logging: {}, file: {path: /tmp/x}, otlp: {endpoint: x:4317}}
extensions: {health_check: {}, pprof: {}, zpages: {}, nonsense: {}}
service:
  extensions: [health_check, pprof, zpages]
  pipelines:
    traces: {receivers: [otlp], processors: [memory_limiter, batch], exporters: [debug, logging, file, otlp]}
`);
    expect(problems.map((problem) => problem.path)).toEqual(['receivers.madeup/x', 'extensions.nonsense']);
    expect(problems[0]?.hint).toContain('awsxray');
  });

  test('exporters need a region; awsemf rollup option must be known', () => {
    const problems = problemsOf(`
receivers: {otlp: {protocols: {grpc: {}}}, prometheus: {config: {}}}
exporters:
  awsxray: {}
  awsemf: {region: mars-1, dimension_rollup_option: Everything}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [awsxray]}
    metrics: {receivers: [prometheus], exporters: [awsemf]}
`);
    expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
      ['exporters.awsxray.region', 'Missing region'],
      ['exporters.awsemf.region', '"mars-1" is not an AWS region'],
      [
        'exporters.awsemf.dimension_rollup_option',
        'Must be one of NoDimensionRollup, SingleDimensionRollupOnly, ZeroAndSingleDimensionRollup',
      ],
    ]);
  });

  test('prometheusremotewrite: https endpoint, authenticator defined and enabled, sigv4auth region and service', () => {
    const withoutExtension = problemsOf(ampConfig.replace('  extensions: [sigv4auth]\n', ''));
    expect(withoutExtension.map((problem) => problem.message)).toEqual([
      'Authenticator "sigv4auth" is not listed in service.extensions',
    ]);
    const undefinedAuthenticator = problemsOf(
      ampConfig
        .replace('extensions:\n  sigv4auth:\n    region: us-east-1\n    service: aps\n', '')
        .replace('  extensions: [sigv4auth]\n', ''),
    );
    expect(undefinedAuthenticator.map((problem) => problem.path)).toEqual([
      'exporters.prometheusremotewrite.auth.authenticator',
    ]);
    expect(undefinedAuthenticator[0]?.message).toContain('not defined');

    const noAuth = problemsOf(ampConfig.replace('    auth:\n      authenticator: sigv4auth\n', ''));
    expect(noAuth.map((problem) => problem.path)).toEqual(['exporters.prometheusremotewrite.auth.authenticator']);
    expect(noAuth[0]?.message).toContain('SigV4');

    const http = problemsOf(ampConfig.replace('endpoint: https://', 'endpoint: http://'));
    expect(http.map((problem) => problem.message)).toEqual(['The remote write endpoint must use https (got http)']);

    const badSigv4 = problemsOf(ampConfig.replace('    region: us-east-1\n    service: aps\n', '    service: s3\n'));
    // sigv4auth infers the region from an AMP host (aps-workspaces.us-east-1…), but a configured service wins
    expect(badSigv4.map((problem) => [problem.path, problem.message])).toEqual([
      ['extensions.sigv4auth.service', 'service is "s3", expected aps'],
    ]);
    // and the service too (extension/sigv4authextension/signingroundtripper.go, inferServiceAndRegion)
    expect(problemsOf(ampConfig.replace('    region: us-east-1\n    service: aps\n', '    {}\n'))).toEqual([]);
    const local = ampConfig.replace(
      'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write',
      'http://127.0.0.1:9090/api/v1/write',
    );
    const noScope = problemsOf(local.replace('    region: us-east-1\n    service: aps\n', '    {}\n'));
    expect(noScope.map((problem) => [problem.path, problem.message])).toEqual([
      ['extensions.sigv4auth.region', 'Missing region'],
      ['extensions.sigv4auth.service', 'Missing service (must be aps for Amazon Managed Service for Prometheus)'],
    ]);

    const missingEndpoint = problemsOf(ampConfig.replace(/ {4}endpoint: .*\n/, ''));
    expect(missingEndpoint.map((problem) => problem.path)).toEqual(['exporters.prometheusremotewrite.endpoint']);
  });

  test('a local Prometheus over plain http needs neither https nor SigV4', () => {
    const local = `
receivers: {prometheus: {config: {}}}
exporters: {prometheusremotewrite: {endpoint: "http://127.0.0.1:9090/api/v1/write"}}
service: {pipelines: {metrics: {receivers: [prometheus], exporters: [prometheusremotewrite]}}}
`;
    expect(problemsOf(local)).toEqual([]);
  });
});

describe('placeholders and $ escaping', () => {
  function stringProblems(value: string) {
    const config = parsed(xrayConfig);
    config.exporters.awsxray = { region: 'us-west-2', resource_arn: value };
    return validateCollectorConfig(config).filter((problem) => problem.path === 'exporters.awsxray.resource_arn');
  }

  test.each([
    '<YOUR-REGION>',
    'https://aps-workspaces.<YOUR-REGION>.amazonaws.com/workspaces/<YOUR-WORKSPACE-ID>/api/v1/remote_write',
    'https://aps-workspaces.REGION.amazonaws.com/workspaces/WORKSPACE/api/v1/remote_write',
    '/aws/containerinsights/CLUSTER_NAME/prometheus',
    'YOUR-CLUSTER',
    'YOUR_ACCOUNT_ID',
    '<your-cluster-name>',
    '{{region}}',
  ])('flags the placeholder in %s', (value) => {
    const problems = stringProblems(value);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^Placeholder /);
  });

  test.each([
    'us-east-1',
    '${REGION}',
    '${env:AWS_REGION}',
    '${env:REGION}',
    '(?P<name>[a-z]+)',
    '(?<name>[a-z]+)',
    'AWS_REGION',
    'regional-endpoint',
    'costs $$5',
  ])('does not flag %s', (value) => {
    expect(stringProblems(value)).toEqual([]);
  });

  test('a bare $ never stops the collector: $NAME and a $1 replacement are warnings, the rest passes', () => {
    const warnings = (value: string, key = 'resource_arn') => {
      const config = parsed(xrayConfig);
      config.exporters.awsxray = { region: 'us-west-2', [key]: value };
      return reviewCollectorConfig(config, { environment: { K8S_NODE_NAME: 'node-1' } }).problems.filter(
        (problem) => problem.path === `exporters.awsxray.${key}`,
      );
    };
    expect(stringProblems('/api/v1/nodes/$1/proxy/metrics')).toEqual([]);
    const group = warnings('__param_$1', 'replacement');
    expect(group.map((problem) => problem.severity)).toEqual(['warning']);
    expect(group[0]?.message).toContain('"$1" in "__param_$1" was probably meant as "$$1"');
    expect(group[0]?.hint).toContain('"__param_$$1"');
    expect(warnings('/api/v1/nodes/$1/proxy/metrics')).toEqual([]);
    const bare = warnings('$K8S_NODE_NAME', 'regex');
    expect(bare.map((problem) => problem.severity)).toEqual(['warning']);
    expect(bare[0]?.message).toContain('stays the literal text "$K8S_NODE_NAME" although K8S_NODE_NAME is set');
    expect(bare[0]?.message).toContain('matches nothing');
    expect(bare[0]?.hint).toContain('${env:K8S_NODE_NAME}');
    expect(warnings('^http_requests_total$')).toEqual([]);
    expect(warnings('/api/v1/nodes/$$1/proxy/metrics')).toEqual([]);
    expect(warnings('$$$$')).toEqual([]);
    expect(warnings('${env:K8S_NODE_NAME}')).toEqual([]);
  });

  test('strings deep in the prometheus receiver are checked with their path', () => {
    const config = parsed(ampConfig.replace('$$1:9090', '$1:9090'));
    expect(validateCollectorConfig(config)).toEqual([]);
    expect(reviewCollectorConfig(config).problems.map((problem) => [problem.path, problem.severity])).toEqual([
      ['receivers.prometheus.config.scrape_configs[0].relabel_configs[0].replacement', 'warning'],
    ]);
  });
});

describe('facts derived from a configuration', () => {
  const config = parsed(`
receivers:
  awsxray: {endpoint: "0.0.0.0:2500", transport: udp}
  otlp:
    protocols:
      grpc:
      http: {endpoint: "\${env:MY_POD_IP}:14318"}
  otlp/unused: {protocols: {grpc: {}}}
  statsd: {}
  zipkin: {endpoint: "[::]:9412"}
  jaeger: {protocols: {grpc: {}, thrift_compact: {}}}
  prometheus: {config: {}}
processors: {batch: {}, batch/unused: {}}
exporters: {awsxray: {region: us-east-1}, awsemf: {region: us-east-1}, debug: {}}
service:
  pipelines:
    traces: {receivers: [awsxray, otlp, zipkin, jaeger], processors: [batch], exporters: [awsxray, debug]}
    metrics: {receivers: [statsd, prometheus, otlp], processors: [batch], exporters: [awsemf, debug]}
`);

  test('pipelineComponents and exportersInUse list what the pipelines use, in order', () => {
    expect(pipelineComponents(config)).toEqual({
      receivers: ['awsxray', 'otlp', 'zipkin', 'jaeger', 'statsd', 'prometheus'],
      processors: ['batch'],
      exporters: ['awsxray', 'debug', 'awsemf'],
    });
    expect(exportersInUse(config)).toEqual(['awsxray', 'debug', 'awsemf']);
  });

  test('receiverPorts honours endpoints and defaults, and skips unused receivers and scrapers', () => {
    expect(receiverPorts(config)).toEqual([
      { name: 'awsxray', port: 2500, protocol: 'UDP' },
      { name: 'otlp-grpc', port: 4317, protocol: 'TCP' },
      { name: 'otlp-http', port: 14318, protocol: 'TCP' },
      { name: 'zipkin', port: 9412, protocol: 'TCP' },
      { name: 'jaeger-grpc', port: 14250, protocol: 'TCP' },
      { name: 'jaeger-compact', port: 6831, protocol: 'UDP' },
      { name: 'statsd', port: 8125, protocol: 'UDP' },
    ]);
    expect(receiverPorts(parsed(xrayConfig))).toEqual([{ name: 'awsxray', port: 2000, protocol: 'UDP' }]);
  });

  test('targetsOfConfig', () => {
    expect(targetsOfConfig(config)).toEqual(['cloudwatch', 'xray']);
    expect(targetsOfConfig(parsed(ampConfig))).toEqual(['amp']);
  });
});
