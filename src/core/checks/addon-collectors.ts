/**
 * addon.collectors: the collectors the add-on deploys from its own configurationValues (--mode addon-config). Its
 * configuration still validates against the installed version's schema, every collector it enables is followed
 * through its whole chain (addon-collector-chain.ts), and for EKS Pod Identity the agent serves credentials. When
 * these collectors replace a collector resource, the checks of the collector resource do not apply
 * (collectorResourceAbsent) and this check carries the diagnosis.
 */
import { configurationKind } from '../addon-config/presets.js';
import { configurationErrors, parseConfigurationText } from '../addon-config/schema-validation.js';
import { addonCollectors, type AddonCollector } from '../addon-config/values.js';
import { ADDON_NAME } from '../compat-data.js';
import type { Target } from '../targets.js';
import { examineAddonCollector, type ChainFinding } from './addon-collector-chain.js';
import { collectorIdentity } from './collector-identity.js';
import { findObject, hintFor, listText, pass, withFact } from './helpers.js';
import { podIdentityAgentOutcome } from './identity.js';
import type { AddonCollectorFacts, Check, CheckOutcome, DoctorContext, DoctorFacts } from './types.js';

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
    message: `skipped: no collector resource ${context.namespace}/${context.collectorName}; the add-on's configuration deploys ${listText(enabled.map((c) => c.name))} (see addon.collectors)`,
    notApplicable: true,
  };
}

function reinstallCommand(context: DoctorContext, targets: readonly Target[]): string {
  const identity = context.identity === undefined ? '' : ` --identity ${context.identity}`;
  return `adot install --cluster ${context.clusterName} --mode addon-config --target ${targets.join(',')}${identity}`;
}

function examine(facts: DoctorFacts, context: DoctorContext, addon: AddonCollectorFacts, id: string): CheckOutcome {
  const installed = facts.addon.ok ? facts.addon.value : undefined;
  if (installed === undefined)
    return { status: 'skip', message: 'skipped: the add-on is not installed', notApplicable: true };
  const parsed = parseConfigurationText(installed.configurationValues ?? '');
  const describe = `aws eks describe-addon --cluster-name ${context.clusterName} --addon-name ${ADDON_NAME} --query addon.configurationValues`;
  if (!parsed.ok) {
    return {
      status: 'fail',
      message: "the add-on's configurationValues are neither JSON nor YAML",
      hint: hintFor(id, describe),
    };
  }
  const schemaErrors = addon.schema === undefined ? [] : configurationErrors(addon.schema, parsed.value);
  if (schemaErrors.length > 0) {
    return {
      status: 'fail',
      message: `the add-on's configuration does not validate against ${installed.addonVersion}'s schema: ${schemaErrors.join('; ')}`,
      observed: `${schemaErrors.length} error(s)`,
      expected: `valid against aws eks describe-addon-configuration --addon-name ${ADDON_NAME} --addon-version ${installed.addonVersion}`,
      hint: hintFor(id, describe),
    };
  }
  const enabled = addonCollectors(
    configurationKind(installed.addonVersion),
    parsed.value,
    installed.serviceAccountRoleArn,
  );
  const resourceAbsent = collectorResourceAbsent(facts, context) !== undefined;
  const served = new Set(enabled.flatMap((collector) => collector.targets));
  const unserved = resourceAbsent ? (context.targets ?? []).filter((target) => !served.has(target)) : [];
  const reinstall = reinstallCommand(context, [...new Set([...served, ...(context.targets ?? [])])]);
  if (enabled.length === 0) {
    return { status: 'skip', message: "skipped: the add-on's configuration enables no collector", notApplicable: true };
  }
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
      }).observed === 'pod-identity',
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
  if (failed.length > 0 || warned.length > 0) {
    const first = failed[0] ?? warned[0]!;
    return {
      status: failed.length > 0 ? 'fail' : 'warn',
      message: [...failed, ...warned].map((finding) => finding.message).join('; '),
      observed: `${enabled.length - failed.length}/${enabled.length} collector(s) working`,
      expected: names,
      hint: first.hint ?? hintFor(id, first.fix ?? reinstall),
    };
  }
  return pass(findings.map((finding) => finding.message).join('; '), {
    observed: `${enabled.length}/${enabled.length} collector(s) working`,
    expected: names,
  });
}

export const addonCollectorsCheck: Check = {
  id: 'addon.collectors',
  category: 'addon',
  title: "the collectors the add-on's own configuration enables are deployed and can reach AWS",
  appliesToPre: false,
  retryable: true,
  dependsOn: ['aws.credentials', 'eks.cluster', 'operator.ready'],
  run(facts, context) {
    return withFact(this.id, "the add-on's collectors", facts.addonCollectors, (addon) =>
      examine(facts, context, addon, this.id),
    );
  },
};

/** A check of the collector resource that does not apply when the add-on's collectors stand in for it. */
export function unlessAddonCollectors(check: Check): Check {
  return {
    ...check,
    run(facts, context) {
      return collectorResourceAbsent(facts, context) ?? check.run(facts, context);
    },
  };
}
