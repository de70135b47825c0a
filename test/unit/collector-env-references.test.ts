import { describe, expect, it } from 'vitest';
import { Settings } from '../../src/collector/config/settings.js';
import {
  containerEnvironment,
  dollarSignWarnings,
  expandDependentValue,
  expandEnvReferences,
  podFieldValue,
} from '../../src/core/collector-config.js';

const expand = (value: unknown, env?: Record<string, string | undefined>) => expandEnvReferences(value, env);

describe('environment references, as confmap v1.57 (ADOT Collector v0.48.0) resolves them', () => {
  it('expands ${env:NAME} and ${NAME}, inline and whole', () => {
    const { value, problems } = expand(
      { a: '${env:REGION}', b: 'arn:aws:eks:${REGION}:1:cluster/${env:CLUSTER}', c: ['${CLUSTER}'] },
      { REGION: 'us-west-2', CLUSTER: 'demo' },
    );
    expect(value).toEqual({ a: 'us-west-2', b: 'arn:aws:eks:us-west-2:1:cluster/demo', c: ['demo'] });
    expect(problems).toEqual([]);
  });

  it('uses ${env:NAME:-default} only when NAME is not set: a variable set to "" stays empty', () => {
    const { value, unset } = expand(
      { unset: '${env:MISSING:-fallback}', empty: '${env:EMPTY:-fallback}', blank: 'x${env:MISSING:-}y' },
      { EMPTY: '' },
    );
    expect(value).toEqual({ unset: 'fallback', empty: '', blank: 'xy' });
    expect(unset).toEqual([]);
  });

  it('an unset variable without default expands to nothing and is reported with the severity asked for', () => {
    const result = expandEnvReferences(
      { log_group_name: '/aws/containerinsights/${CLUSTER_NAME}/prometheus' },
      {},
      {
        unsetSeverity: 'warning',
        source: 'spec.env',
      },
    );
    expect(result.value).toEqual({ log_group_name: '/aws/containerinsights//prometheus' });
    expect(result.unset).toEqual(['CLUSTER_NAME']);
    expect(result.problems).toEqual([
      {
        path: 'log_group_name',
        message: '${CLUSTER_NAME} refers to CLUSTER_NAME, which is not set in spec.env: it expands to nothing',
        hint: 'Set CLUSTER_NAME in spec.env, or give a default: ${env:CLUSTER_NAME:-value}',
        severity: 'warning',
      },
    ]);
  });

  it('$$ is a literal $, after expansion; an odd run of $ before ${ escapes the reference', () => {
    const { value } = expand(
      { group: 'replacement: $$1', escaped: '$${env:REGION}', even: '$$${env:REGION}', odd: '$$$${REGION}x' },
      { REGION: 'eu-west-1' },
    );
    expect(value).toEqual({
      group: 'replacement: $1',
      escaped: '${env:REGION}',
      even: '$eu-west-1',
      odd: '$${REGION}x',
    });
  });

  it('an escaped reference stops the expansion of the rest of its string, as confmap findURI does', () => {
    expect(expand({ text: '$${A} ${B}' }, { A: 'a', B: 'b' }).value).toEqual({ text: '${A} ${B}' });
    expect(expand({ text: '${B} $${A}' }, { A: 'a', B: 'b' }).value).toEqual({ text: 'b ${A}' });
  });

  it('leaves the bare $NAME form as it is', () => {
    expect(expand({ regex: '$K8S_NODE_NAME', replacement: '__param_$1' }, { K8S_NODE_NAME: 'node-1' }).value).toEqual({
      regex: '$K8S_NODE_NAME',
      replacement: '__param_$1',
    });
  });

  it('a whole-value reference reads as YAML; a string setting still gets the text', () => {
    const { value } = expand(
      { size: '${env:SIZE}', on: '${env:ON}', name: '${env:NUMERIC_NAME}', list: ['${env:NUMERIC_NAME}'] },
      { SIZE: '8192', ON: 'true', NUMERIC_NAME: '0123' },
    );
    const settings = new Settings(value, 'processors.batch');
    expect(settings.integer('size', 0)).toBe(8192);
    expect(settings.boolean('on', false)).toBe(true);
    expect(settings.string('name')).toBe('0123');
    expect(settings.stringList('list')).toEqual(['0123']);
    expect(settings.string('size')).toBe('8192');
  });

  it('expands what a variable holds again, and stops a reference to itself', () => {
    expect(expand({ a: '${env:OUTER}' }, { OUTER: 'x-${env:INNER}', INNER: 'y' }).value).toEqual({ a: 'x-y' });
    const loop = expand({ a: 'prefix ${env:SELF}' }, { SELF: '${env:SELF}' });
    expect(loop.problems.map((problem) => problem.message)).toEqual(['too many recursive expansions']);
  });

  it('refuses malformed references with the collector messages', () => {
    const messages = (text: string) =>
      expand({ key: text }, {}).problems.map((problem) => [problem.message, problem.hint]);
    expect(messages('${NAME:-default}')).toEqual([
      [
        'scheme "NAME" is not supported for uri "NAME:-default"',
        'Write ${env:NAME:-default}: a default needs the env: prefix',
      ],
    ]);
    expect(messages('${MY_NAME:-x}')[0]?.[0]).toBe('invalid uri: "MY_NAME:-x"');
    expect(messages('${env:1BAD}')[0]?.[0]).toBe(
      'environment variable "1BAD" has invalid name: must match regex ^[a-zA-Z_][a-zA-Z0-9_]*$',
    );
    expect(messages('${file:/etc/otel/extra.yaml}')[0]?.[0]).toBe(
      '${file:/etc/otel/extra.yaml}: the "file" provider is not supported by the bundled collector runtime',
    );
    expect(messages('${vault:secret}')[0]?.[0]).toBe('scheme "vault" is not supported for uri "vault:secret"');
  });

  it('keeps references whose value is unknown (doctor without pod facts) and only checks their form', () => {
    const known = expand({ regex: '${env:K8S_NODE_NAME}', arn: 'cluster/${CLUSTER}' }, { K8S_NODE_NAME: undefined });
    expect(known.value).toEqual({ regex: '${env:K8S_NODE_NAME}', arn: 'cluster/' });
    expect(known.unset).toEqual(['CLUSTER']);
    const nothingKnown = expand({ regex: '${env:K8S_NODE_NAME}', group: '$$1' });
    expect(nothingKnown.value).toEqual({ regex: '${env:K8S_NODE_NAME}', group: '$1' });
    expect(nothingKnown.problems).toEqual([]);
  });
});

describe('bare $ warnings', () => {
  it('warns for $NAME anywhere and for $1 in a replacement, never for $$, ${…} or a regex anchor', () => {
    const warnings = dollarSignWarnings(
      {
        relabel: [
          { regex: '$K8S_NODE_NAME' },
          { replacement: '__param_$1' },
          { replacement: '$$1:$$2' },
          { regex: '^up$' },
          { regex: '${env:K8S_NODE_NAME}' },
        ],
      },
      new Set(['K8S_NODE_NAME']),
    );
    expect(warnings.map((warning) => [warning.path, warning.severity])).toEqual([
      ['relabel[0].regex', 'warning'],
      ['relabel[1].replacement', 'warning'],
    ]);
    expect(warnings[0]?.message).toContain('stays the literal text "$K8S_NODE_NAME" although K8S_NODE_NAME is set');
    expect(warnings[1]?.hint).toBe('Write "__param_$$1": "$$" is a literal "$" on every collector version');
  });
});

describe("a collector pod's environment from spec.env", () => {
  const pod = {
    name: 'my-collector-advanced-7x2kq',
    namespace: 'observability',
    nodeName: 'ip-10-0-1-23',
    podIP: '10.0.1.57',
  };

  it('plain values, fieldRef values as the pod sees them, and the POD_NAME the operator adds', () => {
    const { values, problems } = containerEnvironment(
      [
        { name: 'CLUSTER_NAME', value: 'demo' },
        { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'K8S_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'K8S_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
      ],
      pod,
    );
    expect(problems).toEqual([]);
    expect(values).toEqual({
      CLUSTER_NAME: 'demo',
      K8S_NODE_NAME: 'ip-10-0-1-23',
      K8S_POD_NAME: 'my-collector-advanced-7x2kq',
      K8S_NAMESPACE: 'observability',
      POD_IP: '10.0.1.57',
      TOKEN: undefined,
      POD_NAME: 'my-collector-advanced-7x2kq',
    });
  });

  it('fields a pod does not report are defined with an unknown value; SHARD comes with the target allocator', () => {
    const { values } = containerEnvironment(
      [{ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
      {},
      { targetAllocator: true },
    );
    expect(values).toEqual({ K8S_NODE_NAME: undefined, POD_NAME: undefined, SHARD: '0' });
    expect(Object.hasOwn(values, 'K8S_NODE_NAME')).toBe(true);
  });

  it('expands $(NAME) from earlier entries, keeps $$(NAME) and unknown references literal', () => {
    expect(expandDependentValue('$(CLUSTER)/container/logs', { CLUSTER: 'demo' })).toBe('demo/container/logs');
    expect(expandDependentValue('$$(CLUSTER) $(LATER) $x', { CLUSTER: 'demo' })).toBe('$(CLUSTER) $(LATER) $x');
    const { values } = containerEnvironment(
      [
        { name: 'CLUSTER', value: 'demo' },
        { name: 'GROUP', value: '/aws/containerinsights/$(CLUSTER)/application' },
      ],
      pod,
    );
    expect(values['GROUP']).toBe('/aws/containerinsights/demo/application');
  });

  it('reports fields the downward API has not and entries without a name', () => {
    const { problems } = containerEnvironment(
      [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.containers' } } }, { value: 'y' }],
      pod,
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      'spec.env[0].valueFrom.fieldRef.fieldPath',
      'spec.env[1].name',
    ]);
    expect(podFieldValue("metadata.labels['app']", { labels: { app: 'adot' } })).toBe('adot');
  });
});
