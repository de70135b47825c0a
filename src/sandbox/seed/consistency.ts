import { configurationSchema, validateConfigurationValues } from '../aws/eks/configuration.js';
import { AwsServiceError, type Seed } from '../types.js';
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
