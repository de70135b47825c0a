import { configurationSchema, validateConfigurationValues } from '../aws/eks/configuration.js';
import { builtinResources } from '../kube/builtin-resources.js';
import { AwsServiceError, type KubeObject, type Seed } from '../types.js';
import { CRDS as CERT_MANAGER_CRDS } from './cert-manager.js';
import { addonNamespace } from './addon-namespaces.js';
import { formatPath, type SchemaIssue } from './schema.js';

/**
 * Rules across keys that the schema cannot express: one pod identity association per namespace and service account
 * in a cluster, counting those its add-ons own (which live in the add-on's namespace), and ADOT configurationValues
 * that its version's configuration schema takes (as CreateAddon would have). Runs on a seed the schema accepted.
 */
export function seedConsistencyIssues(seed: Seed): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  (seed.clusters ?? []).forEach((cluster, clusterIndex) => {
    issues.push(...unknownKinds(cluster.objects ?? [], clusterIndex));
    const taken = new Map<string, string>();
    (cluster.podIdentityAssociations ?? []).forEach((association, index) => {
      taken.set(
        `${association.namespace}/${association.serviceAccount}`,
        formatPath(['clusters', clusterIndex, 'podIdentityAssociations', index]),
      );
    });
    (cluster.addons ?? []).forEach((addon, addonIndex) => {
      if (addon.name === 'adot' && addon.configurationValues !== undefined) {
        try {
          validateConfigurationValues(configurationSchema(addon.version), addon.configurationValues, {});
        } catch (error) {
          if (!(error instanceof AwsServiceError)) throw error;
          const path = ['clusters', clusterIndex, 'addons', addonIndex, 'configurationValues'];
          issues.push({ path, atKey: false, message: error.message });
        }
      }
      const namespace = addonNamespace(addon.name);
      (addon.podIdentityAssociations ?? []).forEach((association, index) => {
        const path = ['clusters', clusterIndex, 'addons', addonIndex, 'podIdentityAssociations', index];
        if (namespace === undefined) {
          issues.push({ path, atKey: false, message: `the sandbox knows no namespace for add-on ${addon.name}` });
          return;
        }
        const key = `${namespace}/${association.serviceAccount}`;
        const first = taken.get(key);
        if (first !== undefined) {
          issues.push({ path, atKey: false, message: `service account ${key} already has an association (${first})` });
        } else taken.set(key, formatPath(path));
      });
    });
  });
  return issues;
}

/** the group of an apiVersion: `apps/v1` → apps, `v1` → the core group '' */
function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
}

/**
 * Objects of a kind the API server would not know: not built in, and defined by no CustomResourceDefinition the
 * sandbox installs (cert-manager, the ADOT add-on) or the seed itself brings.
 */
function unknownKinds(objects: readonly KubeObject[], clusterIndex: number): SchemaIssue[] {
  const known = new Set<string>([
    ...builtinResources.map((type) => `${type.group}/${type.kind}`),
    ...CERT_MANAGER_CRDS.map((crd) => `${crd.group}/${crd.kind}`),
    'opentelemetry.io/OpenTelemetryCollector',
    'opentelemetry.io/Instrumentation',
  ]);
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition') continue;
    const spec = (object as { spec?: { group?: unknown; names?: { kind?: unknown } } }).spec;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string')
      known.add(`${spec.group}/${spec.names.kind}`);
  }
  return objects.flatMap((object, index) =>
    known.has(`${groupOf(object.apiVersion)}/${object.kind}`)
      ? []
      : [
          {
            path: ['clusters', clusterIndex, 'objects', index, 'kind'],
            atKey: false,
            message: `no kind ${object.kind} in ${object.apiVersion}: the sandbox's API server serves the built-in kinds, cert-manager's, the ADOT add-on's and those of CustomResourceDefinitions in the seed`,
          },
        ],
  );
}
