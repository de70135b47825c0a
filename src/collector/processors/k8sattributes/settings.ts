/**
 * The k8sattributes processor's settings, as opentelemetry-collector-contrib processor/k8sattributesprocessor reads
 * them: auth_type, context, passthrough, extract (metadata, labels, annotations), filter (node, node_from_env_var,
 * namespace), pod_association (sources from `connection` or `resource_attribute`), exclude (pods), wait_for_metadata.
 */
import { SettingsError, type Settings } from '../../config/settings.js';
import { compileGoRegex } from '../../receivers/filelog/operators.js';
import type { KubeAuthType } from '../../runtime/kube-client.js';
import { settingsList } from '../settings-list.js';

export const METADATA_FIELDS = [
  'k8s.pod.name',
  'k8s.pod.uid',
  'k8s.pod.hostname',
  'k8s.pod.start_time',
  'k8s.pod.ip',
  'k8s.namespace.name',
  'k8s.node.name',
  'k8s.node.uid',
  'k8s.deployment.name',
  'k8s.replicaset.name',
  'k8s.replicaset.uid',
  'k8s.daemonset.name',
  'k8s.daemonset.uid',
  'k8s.statefulset.name',
  'k8s.statefulset.uid',
  'k8s.job.name',
  'k8s.job.uid',
  'k8s.cronjob.name',
  'k8s.container.name',
  'container.image.name',
  'container.image.tag',
  'container.id',
];

/** extract.metadata when not set (the processor's documented defaults) */
export const DEFAULT_METADATA = [
  'k8s.pod.name',
  'k8s.pod.uid',
  'k8s.pod.start_time',
  'k8s.namespace.name',
  'k8s.node.name',
  'k8s.deployment.name',
  'k8s.container.name',
  'container.image.name',
  'container.image.tag',
];

export interface FieldRule {
  tagName?: string;
  key?: string;
  keyRegex?: RegExp;
  regex?: RegExp;
}

export interface AssociationSource {
  from: 'connection' | 'resource_attribute';
  name?: string;
}

export interface K8sAttributesSettings {
  authType: KubeAuthType;
  context?: string;
  passthrough: boolean;
  metadata: string[];
  labels: FieldRule[];
  annotations: FieldRule[];
  node?: string;
  nodeFromEnvVar?: string;
  namespace?: string;
  associations: AssociationSource[][];
  excludePods: RegExp[];
}

function rules(settings: Settings, key: string): FieldRule[] {
  return settingsList(settings, key).map((rule) => {
    rule.allowOnly(['tag_name', 'key', 'key_regex', 'regex', 'from']);
    const from = rule.string('from', 'pod');
    if (from !== 'pod') {
      throw new SettingsError(
        rule.at('from'),
        `extracting from the ${from} is not supported by the bundled collector runtime (pod only)`,
      );
    }
    const keyText = rule.string('key');
    const keyRegex = rule.string('key_regex');
    if ((keyText === undefined) === (keyRegex === undefined))
      throw new SettingsError(rule.at('key'), 'exactly one of key and key_regex is required');
    const regex = rule.string('regex');
    const tagName = rule.string('tag_name');
    return {
      ...(tagName === undefined ? {} : { tagName }),
      ...(keyText === undefined ? {} : { key: keyText }),
      ...(keyRegex === undefined ? {} : { keyRegex: compileGoRegex(`^${keyRegex}$`, rule.at('key_regex')) }),
      ...(regex === undefined ? {} : { regex: compileGoRegex(regex, rule.at('regex')) }),
    };
  });
}

export function readK8sAttributesSettings(settings: Settings): K8sAttributesSettings {
  settings.allowOnly([
    'auth_type',
    'context',
    'passthrough',
    'extract',
    'filter',
    'pod_association',
    'exclude',
    'wait_for_metadata',
    'wait_for_metadata_timeout',
  ]);
  const authType = settings.string('auth_type', 'serviceAccount');
  if (!['serviceAccount', 'kubeConfig', 'none', 'tls'].includes(authType)) {
    throw new SettingsError(
      settings.at('auth_type'),
      `invalid authType for kubernetes: ${authType}`,
      'serviceAccount, kubeConfig, none or tls',
    );
  }
  if (authType === 'tls')
    throw new SettingsError(
      settings.at('auth_type'),
      'auth_type tls is not supported by the bundled collector runtime',
    );
  settings.boolean('wait_for_metadata', false);
  settings.duration('wait_for_metadata_timeout', 10_000);
  const extract = settings.nested('extract').allowOnly(['metadata', 'labels', 'annotations', 'otel_annotations']);
  if (extract.has('otel_annotations'))
    throw new SettingsError(
      extract.at('otel_annotations'),
      'otel_annotations is not supported by the bundled collector runtime',
    );
  const metadata = extract.has('metadata') ? extract.stringList('metadata') : DEFAULT_METADATA;
  metadata.forEach((field, index) => {
    if (!METADATA_FIELDS.includes(field))
      throw new SettingsError(
        `${extract.at('metadata')}[${index}]`,
        `"${field}" is not a supported metadata field`,
        `Supported: ${METADATA_FIELDS.join(', ')}`,
      );
  });
  const filter = settings.nested('filter').allowOnly(['node', 'node_from_env_var', 'namespace', 'fields', 'labels']);
  for (const key of ['fields', 'labels']) {
    if (filter.has(key))
      throw new SettingsError(filter.at(key), `filter.${key} is not supported by the bundled collector runtime`);
  }
  const associations = settingsList(settings, 'pod_association').map((association) => {
    association.allowOnly(['sources']);
    const sources = settingsList(association, 'sources').map((source) => {
      source.allowOnly(['from', 'name']);
      const from = source.requiredString('from');
      if (from !== 'connection' && from !== 'resource_attribute')
        throw new SettingsError(source.at('from'), 'must be connection or resource_attribute');
      const name = source.string('name');
      if (from === 'resource_attribute' && (name === undefined || name === ''))
        throw new SettingsError(source.at('name'), 'is required for resource_attribute');
      return { from, ...(name === undefined ? {} : { name }) } as AssociationSource;
    });
    if (sources.length > 4)
      throw new SettingsError(association.at('sources'), 'too many association sources. limit is 4');
    return sources;
  });
  const exclude = settings.nested('exclude').allowOnly(['pods']);
  const excludePods = exclude.has('pods')
    ? settingsList(exclude, 'pods').map((pod) =>
        compileGoRegex(`^${pod.allowOnly(['name']).requiredString('name')}$`, pod.at('name')),
      )
    : [/^jaeger-agent$/, /^jaeger-collector$/];
  const context = settings.string('context');
  const node = filter.string('node');
  const nodeFromEnvVar = filter.string('node_from_env_var');
  const namespace = filter.string('namespace');
  return {
    authType: authType as KubeAuthType,
    ...(context === undefined ? {} : { context }),
    passthrough: settings.boolean('passthrough', false),
    metadata,
    labels: rules(extract, 'labels'),
    annotations: rules(extract, 'annotations'),
    ...(node === undefined ? {} : { node }),
    ...(nodeFromEnvVar === undefined ? {} : { nodeFromEnvVar }),
    ...(namespace === undefined ? {} : { namespace }),
    associations,
    excludePods,
  };
}
