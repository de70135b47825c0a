/**
 * The facts of the collectors the add-on deploys from its own configuration (--mode addon-config): the objects of
 * the add-on's namespace are listed in round 1 with everything else; the schema of the installed version and the
 * roles the collectors' service accounts name come in round 2 (they need the add-on and those objects), the roles'
 * policy documents in round 3.
 */
import type {
  AddonInfo,
  AddonVersionInfo,
  Amp,
  Eks,
  Iam,
  KubeObject,
  PodIdentityAssociationInfo,
} from '../../ports.js';
import { findCatalogVersion } from '../../core/checks/addon-version.js';
import { ADDON_NAME } from '../../core/defaults.js';
import { ADDON_NAMESPACE, configurationKind } from '../../core/addon-config/presets.js';
import { parseConfigurationText } from '../../core/addon-config/schema-validation.js';
import { addonCollectors, type AddonCollector } from '../../core/addon-config/values.js';
import { findObject } from '../../core/checks/helpers.js';
import { ampWorkspaceOfExporters } from '../../core/identity/amp-workspace.js';
import { collectorConfigOf, collectorIdentity } from '../../core/checks/collector-identity.js';
import type {
  AddonCollectorFacts,
  AddonCollectorRole,
  AddonConfigurationFact,
  AmpWorkspaceFact,
  Fact,
} from '../../core/checks/types.js';
import { documentsOf, known, settle } from './fact-loading.js';

export interface AddonNamespaceLists {
  collectors: Fact<KubeObject[]>;
  serviceAccounts: Fact<KubeObject[]>;
  associations: Fact<PodIdentityAssociationInfo[]>;
}

type Objects = { collectors: KubeObject[]; serviceAccounts: KubeObject[]; associations: PodIdentityAssociationInfo[] };

/** The role names the enabled add-on collectors' service accounts are wired to (IRSA annotation or association). */
function roleNamesOf(enabled: readonly AddonCollector[], lists: Objects): string[] {
  const names = enabled.map((collector) => {
    const identity = collectorIdentity(lists.collectors, lists.serviceAccounts, lists.associations, {
      namespace: ADDON_NAMESPACE,
      collectorName: collector.name,
      serviceAccount: collector.serviceAccount,
      roleName: '',
    });
    return identity.roleSource === 'option' ? undefined : identity.roleName;
  });
  return [...new Set(names.filter((name): name is string => name !== undefined))];
}

/**
 * The schema the add-on's values are checked against (round 2, also under --pre): of an exact --addon-version (the
 * version install is about to move to), else of the installed version. Undefined when there are no values.
 */
export async function gatherAddonConfiguration(
  eks: Eks,
  addon: Fact<AddonInfo | undefined>,
  addonVersions: Fact<AddonVersionInfo[]>,
  requested: string | undefined,
): Promise<{ fact: Fact<AddonConfigurationFact | undefined>; depth: number }> {
  if (!addon.ok) return { fact: addon, depth: 0 };
  const installed = addon.value;
  if (installed === undefined || (installed.configurationValues ?? '').trim() === '') {
    return { fact: known(undefined), depth: 0 };
  }
  const exact = requested !== undefined && requested !== 'default' && requested !== 'latest';
  const version = exact
    ? ((addonVersions.ok ? findCatalogVersion(addonVersions.value, requested)?.addonVersion : undefined) ?? requested)
    : installed.addonVersion;
  const configuration = await settle(() => eks.describeAddonConfiguration(ADDON_NAME, version));
  if (!configuration.ok) return { fact: configuration, depth: 1 };
  return { fact: known({ version, schema: configuration.value?.configurationSchema }), depth: 1 };
}

/** Rounds 2 and 3; resolves to the fact and the round trips it added. */
export async function gatherAddonCollectorFacts(
  sources: { eks: Eks; iam: Iam; amp: Amp },
  addon: Fact<AddonInfo | undefined>,
  lists: AddonNamespaceLists,
): Promise<{ fact: Fact<AddonCollectorFacts>; depth: number }> {
  if (!addon.ok) return { fact: addon, depth: 0 };
  if (!lists.collectors.ok) return { fact: lists.collectors, depth: 0 };
  if (!lists.serviceAccounts.ok) return { fact: lists.serviceAccounts, depth: 0 };
  if (!lists.associations.ok) return { fact: lists.associations, depth: 0 };
  const objects = {
    collectors: lists.collectors.value,
    serviceAccounts: lists.serviceAccounts.value,
    associations: lists.associations.value,
  };
  const installed = addon.value;
  if (installed === undefined || (installed.configurationValues ?? '').trim() === '') {
    return { fact: known({ ...objects, roles: {}, workspaces: {} }), depth: 0 };
  }
  const parsed = parseConfigurationText(installed.configurationValues ?? '');
  const enabled = parsed.ok
    ? addonCollectors(configurationKind(installed.addonVersion), parsed.value, installed.serviceAccountRoleArn)
    : [];
  const roleNames = roleNamesOf(enabled, objects);
  const roles: Record<string, AddonCollectorRole> = {};
  const workspaces: Record<string, AmpWorkspaceFact> = {};
  const loaded = await Promise.all([
    ...enabled.map(async (collector) => {
      const object = findObject(objects.collectors, collector.name, collector.namespace);
      const config = object === undefined ? undefined : collectorConfigOf(object).config;
      const target = config === undefined ? undefined : ampWorkspaceOfExporters(config);
      if (target === undefined) return known(undefined);
      const workspace = await settle(() => sources.amp.describeWorkspace(target.endpointRegion, target.workspaceId));
      if (workspace.ok) workspaces[collector.name] = { ...target, workspace: workspace.value };
      return workspace;
    }),
    ...roleNames.map(async (name) => {
      const [role, attached, inline] = await Promise.all([
        settle(() => sources.iam.getRole(name)),
        settle(() => sources.iam.listAttachedRolePolicies(name)),
        settle(() => sources.iam.listRolePolicies(name)),
      ]);
      if (!role.ok) return role;
      if (role.value === undefined) {
        roles[name] = { role: undefined, documents: [] };
        return known(undefined);
      }
      const documents = await documentsOf(sources.iam, name, attached, inline);
      if (!documents.ok) return documents;
      roles[name] = { role: role.value, documents: documents.value };
      return known(undefined);
    }),
  ]);
  const depth = roleNames.length > 0 ? 2 : enabled.length > 0 ? 1 : 0;
  const failed = loaded.find((fact) => !fact.ok);
  if (failed !== undefined && !failed.ok) return { fact: failed, depth };
  return { fact: known({ ...objects, roles, workspaces }), depth };
}
