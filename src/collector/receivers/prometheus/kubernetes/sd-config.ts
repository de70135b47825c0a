/** kubernetes_sd_configs entries of a scrape configuration, as Prometheus reads them (the subset this runtime runs). */
import { Settings, SettingsError } from '../../../config/settings.js';

export type KubernetesRole = 'pod' | 'service' | 'endpoints' | 'node';
const ROLES: readonly KubernetesRole[] = ['pod', 'service', 'endpoints', 'node'];

export interface KubernetesSdSettings {
  role: KubernetesRole;
  apiServer?: string;
  kubeconfigFile?: string;
  /** empty = every namespace */
  namespaces: string[];
  ownNamespace: boolean;
  /** label selectors by role */
  labelSelectors: Partial<Record<KubernetesRole, string>>;
  bearerTokenFile?: string;
  caFile?: string;
  insecureSkipVerify: boolean;
}

export function readKubernetesSdConfigs(raw: unknown, path: string): KubernetesSdSettings[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new SettingsError(path, 'must be a list');
  return raw.map((entry, index) => readOne(new Settings(entry, `${path}[${index}]`)));
}

function readOne(settings: Settings): KubernetesSdSettings {
  settings.allowOnly([
    'role',
    'api_server',
    'kubeconfig_file',
    'namespaces',
    'selectors',
    'attach_metadata',
    'tls_config',
    'bearer_token_file',
    'follow_redirects',
  ]);
  const role = settings.requiredString('role').toLowerCase() as KubernetesRole;
  if (!ROLES.includes(role)) {
    throw new SettingsError(settings.at('role'), `role "${role}" is not supported`, `Roles: ${ROLES.join(', ')}`);
  }
  const apiServer = settings.string('api_server');
  const kubeconfigFile = settings.string('kubeconfig_file');
  if (apiServer !== undefined && kubeconfigFile !== undefined) {
    throw new SettingsError(settings.at('kubeconfig_file'), 'cannot be used together with api_server');
  }
  const namespaces = settings.nested('namespaces').allowOnly(['own_namespace', 'names']);
  const tls = settings
    .nested('tls_config')
    .allowOnly(['ca_file', 'insecure_skip_verify', 'cert_file', 'key_file', 'server_name']);
  const labelSelectors: Partial<Record<KubernetesRole, string>> = {};
  const selectors = settings.raw('selectors');
  if (selectors !== undefined && selectors !== null) {
    if (!Array.isArray(selectors)) throw new SettingsError(settings.at('selectors'), 'must be a list');
    selectors.forEach((entry, index) => {
      const selector = new Settings(entry, `${settings.at('selectors')}[${index}]`).allowOnly([
        'role',
        'label',
        'field',
      ]);
      if (selector.has('field')) {
        throw new SettingsError(
          selector.at('field'),
          'field selectors are not supported by the bundled collector runtime',
        );
      }
      const selectorRole = selector.requiredString('role') as KubernetesRole;
      if (!ROLES.includes(selectorRole))
        throw new SettingsError(selector.at('role'), `role "${selectorRole}" is not supported`);
      const label = selector.string('label');
      if (label !== undefined) labelSelectors[selectorRole] = label;
    });
  }
  const bearerTokenFile = settings.string('bearer_token_file');
  const caFile = tls.string('ca_file');
  return {
    role,
    ...(apiServer === undefined ? {} : { apiServer }),
    ...(kubeconfigFile === undefined ? {} : { kubeconfigFile }),
    namespaces: namespaces.stringList('names'),
    ownNamespace: namespaces.boolean('own_namespace', false),
    labelSelectors,
    ...(bearerTokenFile === undefined ? {} : { bearerTokenFile }),
    ...(caFile === undefined ? {} : { caFile }),
    insecureSkipVerify: tls.boolean('insecure_skip_verify', false),
  };
}
