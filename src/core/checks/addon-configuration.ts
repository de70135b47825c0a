/**
 * addon.configuration: the add-on's own configurationValues. They validate against the schema of the version doctor
 * checks (the installed one, or the exact --addon-version install is about to move to: the v0.88.0 schema break
 * refuses the v0.62.1–v0.84 `collector` keys), and every collector they enable (--mode addon-config) is followed
 * through its whole chain (addon-collector-chain.ts), with the EKS Pod Identity agent when one uses it. When these
 * collectors replace a collector resource, the checks of the collector resource do not apply
 * (collectorResourceAbsent) and this check carries the diagnosis.
 */
import { configurationKind } from '../addon-config/presets.js';
import { configurationErrors, parseConfigurationText } from '../addon-config/schema-validation.js';
import { addonCollectors, type AddonCollector } from '../addon-config/values.js';
import { ADDON_NAME } from '../defaults.js';
import type { Target } from '../targets.js';
import { examineAddonCollector, type ChainFinding } from './addon-collector-chain.js';
import { collectorIdentity } from './collector-identity.js';
import { findObject, hintFor, listText, pass, withFact } from './helpers.js';
import { podIdentityAgentOutcome } from './identity.js';
import type {
  AddonCollectorFacts,
  AddonConfigurationFact,
  Check,
  CheckId,
  CheckOutcome,
  DoctorContext,
  DoctorFacts,
} from './types.js';

/** The collectors the installed add-on's configuration enables; undefined when it cannot be read. */
export function enabledAddonCollectors(facts: DoctorFacts): AddonCollector[] | undefined {
  if (!facts.addon.ok || facts.addon.value === undefined) return facts.addon.ok ? [] : undefined;
  const addon = facts.addon.value;
  const parsed = parseConfigurationText(addon.configurationValues ?? '');
  if (!parsed.ok) return undefined;
  return addonCollectors(configurationKind(addon.addonVersion), parsed.value, addon.serviceAccountRoleArn);
}

/**
 * The add-on's collectors stand in for the collector resource when the named resource does not exist and the
 * add-on's configuration enables collectors: the checks of the resource then do not apply.
 */
export function collectorResourceAbsent(facts: DoctorFacts, context: DoctorContext): CheckOutcome | undefined {
  if (!facts.collectors.ok || findObject(facts.collectors.value, context.collectorName, context.namespace)) {
    return undefined;
  }
  const enabled = enabledAddonCollectors(facts) ?? [];
  if (enabled.length === 0) return undefined;
  return {
    status: 'skip',
    message: `skipped: no collector resource ${context.namespace}/${context.collectorName}: the add-on's own collectors (${listText(enabled.map((c) => c.name))}) are checked by addon.configuration`,
    notApplicable: true,
  };
}

function reinstallCommand(context: DoctorContext, targets: readonly Target[]): string {
  const identity = context.identity === undefined ? '' : ` --identity ${context.identity}`;
  return `adot install --cluster ${context.clusterName} --mode addon-config --target ${targets.join(',')}${identity}`;
}

/** The values against the schema, in EKS's words for each refusal (schema-messages.ts), naming the key. */
function schemaOutcome(
  facts: DoctorFacts,
  context: DoctorContext,
  configuration: AddonConfigurationFact,
  id: CheckId,
): CheckOutcome | undefined {
  const installed = facts.addon.ok ? facts.addon.value : undefined;
  const parsed = parseConfigurationText(installed?.configurationValues ?? '');
  const describe = `aws eks describe-addon --cluster-name ${context.clusterName} --addon-name ${ADDON_NAME} --query addon.configurationValues`;
  if (!parsed.ok) {
    return {
      status: 'fail',
      message: "the add-on's configurationValues are neither JSON nor YAML",
      hint: hintFor(id, describe),
    };
  }
  const errors = configuration.schema === undefined ? [] : configurationErrors(configuration.schema, parsed.value);
  if (errors.length === 0) return undefined;
  const other = installed !== undefined && configuration.version !== installed.addonVersion;
  return {
    // for another version it is what an update sending these values would meet, not what runs now
    status: other ? 'warn' : 'fail',
    message: `the add-on's configuration does not validate against ${configuration.version}'s schema${other ? ` (installed: ${installed.addonVersion}; EKS checks the values sent with UpdateAddon against the new version's schema)` : ''}: ${errors.join('; ')}`,
    observed: `${errors.length} error(s)`,
    expected: `valid against aws eks describe-addon-configuration --addon-name ${ADDON_NAME} --addon-version ${configuration.version}`,
    hint: hintFor(
      id,
      `${describe}; remove or rename those keys (from v0.88.0 the presets replace the collector keys), then adot install --cluster ${context.clusterName} --mode addon-config --target <targets>`,
    ),
  };
}

function examine(
  facts: DoctorFacts,
  context: DoctorContext,
  configuration: AddonConfigurationFact,
  id: CheckId,
): CheckOutcome {
  const schema = schemaOutcome(facts, context, configuration, id);
  if (schema?.status === 'fail') return schema;
  if (context.pre) {
    return (
      schema ??
      pass(`the values validate against ${configuration.version}'s schema`, { observed: configuration.version })
    );
  }
  return withFact(id, "the add-on's collectors", facts.addonCollectors, (addon) => {
    const outcome = examineCollectors(facts, context, addon, id);
    if (schema === undefined || outcome.status === 'fail') return outcome;
    return { ...schema, message: `${schema.message}; ${outcome.message}` };
  });
}

function examineCollectors(
  facts: DoctorFacts,
  context: DoctorContext,
  addon: AddonCollectorFacts,
  id: CheckId,
): CheckOutcome {
  const enabled = enabledAddonCollectors(facts) ?? [];
  if (enabled.length === 0) {
    return pass("the add-on's configuration enables none of its collectors");
  }
  const resourceAbsent = collectorResourceAbsent(facts, context) !== undefined;
  const served = new Set(enabled.flatMap((collector) => collector.targets));
  const unserved = resourceAbsent ? (context.targets ?? []).filter((target) => !served.has(target)) : [];
  const reinstall = reinstallCommand(context, [...new Set([...served, ...(context.targets ?? [])])]);
  const findings: ChainFinding[] = enabled.map((collector) =>
    examineAddonCollector(collector, { facts, addon, context, reinstall }),
  );
  const usesPodIdentity = enabled.some(
    (collector) =>
      collectorIdentity(addon.collectors, addon.serviceAccounts, addon.associations, {
        namespace: collector.namespace,
        collectorName: collector.name,
        serviceAccount: collector.serviceAccount,
        roleName: context.roleName,
      }).effective === 'pod-identity',
  );
  if (usesPodIdentity) {
    // its hint points at pod-identity.agent, where the agent is explained
    const agent = podIdentityAgentOutcome(facts, context.clusterName, 'pod-identity.agent');
    if (agent.status === 'fail') {
      findings.unshift({
        status: 'fail',
        message: `EKS Pod Identity: ${agent.message}`,
        ...(agent.hint ? { hint: agent.hint } : {}),
      });
    }
  }
  if (unserved.length > 0) {
    findings.unshift({
      status: 'fail',
      message: `no collector of the add-on sends to ${listText(unserved)}`,
      fix: reinstallCommand(context, [...new Set([...served, ...unserved])]),
    });
  }
  const failed = findings.filter((finding) => finding.status === 'fail');
  const warned = findings.filter((finding) => finding.status === 'warn');
  const names = listText(enabled.map((collector) => collector.name));
  const working = `${enabled.length - failed.length}/${enabled.length} collector(s) working`;
  const first = failed[0] ?? warned[0];
  if (first !== undefined) {
    return {
      status: failed.length > 0 ? 'fail' : 'warn',
      message: [...failed, ...warned].map((finding) => finding.message).join('; '),
      observed: working,
      expected: names,
      hint: first.hint ?? hintFor(id, first.fix ?? reinstall),
    };
  }
  return pass(findings.map((finding) => finding.message).join('; '), { observed: working, expected: names });
}

export const addonConfiguration: Check<'addon.configuration'> = {
  id: 'addon.configuration',
  category: 'addon',
  title: "the add-on's configuration is valid for its version, and the collectors it enables run and can reach AWS",
  appliesToPre: true,
  retryable: true,
  dependsOn: ['aws.credentials', 'eks.cluster'],
  run(facts, context) {
    return withFact(this.id, "the add-on's configuration", facts.addonConfiguration, (configuration) =>
      configuration === undefined
        ? { status: 'skip', message: 'skipped: the add-on has no configurationValues', notApplicable: true }
        : examine(facts, context, configuration, this.id),
    );
  },
};

/** A check of the collector resource that does not apply when the add-on's collectors stand in for it. */
export function unlessAddonCollectors<Id extends string>(check: Check<Id>): Check<Id> {
  return {
    ...check,
    run(facts, context) {
      return collectorResourceAbsent(facts, context) ?? check.run(facts, context);
    },
  };
}
