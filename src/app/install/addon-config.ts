/**
 * --mode addon-config: the collectors the ADOT add-on deploys from its own configurationValues, for the chosen
 * targets. What the version takes (none, the v0.62.1–v0.84 `collector` keys, the v0.88+ presets), the values adot
 * writes merged into the user's, checked against the schema DescribeAddonConfiguration answers for the version (as
 * EKS will check them), and the service accounts whose identity install wires.
 */
import type { AddonInfo, AddonPodIdentityAssociation } from '../../ports.js';
import { failure, usageError } from '../../core/errors.js';
import { addonConfigTargets, ADDON_NAMESPACE, configurationKind } from '../../core/addon-config/presets.js';
import { configurationErrors, parseConfigurationText } from '../../core/addon-config/schema-validation.js';
import {
  addonCollectors,
  mergeAddonConfig,
  renderAddonConfig,
  type AddonCollector,
} from '../../core/addon-config/values.js';
import type { IdentityMode } from '../../core/identity/mode.js';
import { driftPaths } from '../../core/plan/kube-diff.js';
import type { Target } from '../../core/targets.js';
import { ADDON_NAME } from '../../core/defaults.js';
import type { OperationDeps } from './deps.js';
import type { AddonConfiguration } from './addon-steps.js';

export interface AddonConfigPlan {
  kind: 'collector-keys' | 'presets';
  /** the collectors the chosen targets make the add-on deploy */
  collectors: AddonCollector[];
  /** the configuration the add-on has now (parsed) */
  existing: unknown;
  schema: string | undefined;
}

/** Checks what --mode addon-config can do with this version and these targets; reads the add-on's schema. */
export async function observeAddonConfig(
  deps: OperationDeps,
  input: {
    version: string;
    targets: readonly Target[];
    /** installed targets --prune (or an approved plan) removes */
    removedTargets: readonly Target[];
    installed: AddonInfo | undefined;
  },
): Promise<AddonConfigPlan> {
  const kind = configurationKind(input.version);
  if (kind === 'none') {
    throw usageError(
      'AddonTakesNoConfiguration',
      `Add-on ${input.version} takes no configuration (advanced configuration starts at v0.62.1): --mode addon-config cannot deploy its collectors`,
      { hint: 'pass --addon-version latest, or --mode collector-resource' },
    );
  }
  const served = addonConfigTargets(kind);
  const unsupported = input.targets.filter((target) => !served.includes(target));
  if (unsupported.length > 0) {
    throw usageError(
      'TargetNotInAddonConfig',
      `Add-on ${input.version}'s configuration has no collector for ${unsupported.join(', ')} (its collector keys serve ${served.join(', ')}; the presets of v0.88.0 and later add logs)`,
      { hint: 'pass --addon-version latest, or leave those targets out' },
    );
  }
  const text = input.installed?.configurationValues ?? '';
  const parsed = parseConfigurationText(text);
  if (!parsed.ok) {
    throw failure('AddonConfigurationUnreadable', "The add-on's configurationValues are neither JSON nor YAML", {
      hint: `aws eks describe-addon --cluster-name <cluster> --addon-name ${ADDON_NAME} --query addon.configurationValues`,
    });
  }
  const configuration = await deps.eks.describeAddonConfiguration(ADDON_NAME, input.version);
  const wanted = renderAddonConfig({ kind, targets: input.targets, removedTargets: input.removedTargets });
  // the collectors of the chosen targets (others the user enabled stay theirs: install does not wire them)
  const collectors = addonCollectors(kind, mergeAddonConfig(parsed.value, wanted).values, undefined).filter(
    (collector) => collector.targets.some((target) => input.targets.includes(target)),
  );
  return { kind, collectors, existing: parsed.value, schema: configuration?.configurationSchema };
}

/** The service accounts whose identity install wires: the chosen targets' collectors'. */
export function addonServiceAccounts(plan: AddonConfigPlan): { namespace: string; serviceAccount: string }[] {
  return plan.collectors.map((collector) => ({
    namespace: collector.namespace,
    serviceAccount: collector.serviceAccount,
  }));
}

/**
 * The configuration install sends with CreateAddon / UpdateAddon: the user's values with adot's merged in (IRSA:
 * each preset's service account annotated with the role; the v0.62.1–v0.84 collector is annotated through the
 * add-on's serviceAccountRoleArn), Pod Identity associations for the collectors' service accounts, checked against
 * the version's schema first (exit 2, nothing changed, on a refusal EKS would give). `ampRemoteWriteUrl` is read
 * when needed: a workspace install creates is known only once that step ran.
 */
export function addonConfiguration(
  deps: OperationDeps,
  input: {
    plan: AddonConfigPlan;
    clusterName: string;
    targets: readonly Target[];
    removedTargets: readonly Target[];
    identity: IdentityMode;
    roleArn: string;
    ampRemoteWriteUrl: () => string | undefined;
  },
): AddonConfiguration {
  const { plan } = input;
  const values = () => {
    const wanted = renderAddonConfig({
      kind: plan.kind,
      targets: input.targets,
      removedTargets: input.removedTargets,
      ampRemoteWriteUrl: input.ampRemoteWriteUrl(),
      ...(input.identity === 'irsa' && plan.kind === 'presets' ? { irsaRoleArn: input.roleArn } : {}),
    });
    return mergeAddonConfig(plan.existing, wanted).values;
  };
  const associations: AddonPodIdentityAssociation[] | undefined =
    input.identity === 'pod-identity'
      ? plan.collectors.map((collector) => ({ serviceAccount: collector.serviceAccount, roleArn: input.roleArn }))
      : undefined;
  return {
    get values() {
      const merged = values();
      if (plan.schema !== undefined) {
        const errors = configurationErrors(plan.schema, merged);
        if (errors.length > 0) {
          throw usageError(
            'InvalidAddonConfiguration',
            `The add-on's configuration would be refused by EKS: ${errors.join('; ')}`,
            {
              hint: `the keys come from the add-on's existing configuration or from --target; see aws eks describe-addon-configuration --addon-name ${ADDON_NAME} --addon-version <version>`,
              details: { errors },
            },
          );
        }
      }
      return JSON.stringify(merged);
    },
    ...(associations === undefined ? {} : { podIdentityAssociations: associations }),
    ...(input.identity === 'irsa' && plan.kind === 'collector-keys' ? { serviceAccountRoleArn: input.roleArn } : {}),
    async changes(addon) {
      const found: string[] = [];
      const current = parseConfigurationText(addon.configurationValues ?? '');
      const drift = driftPaths(values(), current.ok ? current.value : undefined);
      if (drift.length > 0) found.push(`configuration ${drift.slice(0, 3).join(', ')}${drift.length > 3 ? ', …' : ''}`);
      if (associations !== undefined) {
        const owned = (
          await deps.eks.listPodIdentityAssociations(input.clusterName, { namespace: ADDON_NAMESPACE })
        ).filter((association) => addon.podIdentityAssociations.includes(association.associationArn));
        const missing = associations.filter(
          (wanted) =>
            !owned.some((have) => have.serviceAccount === wanted.serviceAccount && have.roleArn === wanted.roleArn),
        );
        if (missing.length > 0) found.push(`Pod Identity for ${missing.map((m) => m.serviceAccount).join(', ')}`);
      }
      if (
        plan.kind === 'collector-keys' &&
        input.identity === 'irsa' &&
        addon.serviceAccountRoleArn !== input.roleArn
      ) {
        found.push('serviceAccountRoleArn');
      }
      return found.length === 0 ? undefined : found.join('; ');
    },
  };
}

/** the collectors, for the plan: `adot-col-otlp-ingest (xray), …` */
export function describeCollectors(plan: AddonConfigPlan): string {
  return plan.collectors.map((collector) => `${collector.name} (${collector.targets.join(', ')})`).join(', ');
}
