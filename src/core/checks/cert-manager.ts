/**
 * cert-manager.installed, cert-manager.version and cert-manager.webhook (the add-on's operator needs cert-manager
 * for its webhook certificates; the failure users see is "failed calling webhook" on create).
 */
import type { KubeObject } from '../../ports.js';
import {
  certManagerInstallCommand,
  certManagerManifestUrl,
  certManagerVerdict,
  recommendedCertManager,
  versionsAcceptingCertManager,
} from '../compat.js';
import { resolveAddonVersion, sourceText, type AddonVersionResolution } from './addon-version.js';
import { parseAddonVersion } from '../versions.js';
import { CERT_MANAGER_COMPONENTS, certManagerInventory } from './cert-manager-inventory.js';
import {
  arrayField,
  deploymentAvailable,
  findObject,
  hintFor,
  listText,
  pass,
  qualifiedName,
  serviceHasEndpoints,
  stringField,
  unreadable,
} from './helpers.js';
import type { Check, CheckId, CheckOutcome, DoctorContext, DoctorFacts } from './types.js';

function coreOf(addonVersion: string): string {
  return parseAddonVersion(addonVersion)?.core ?? addonVersion;
}

/** A cert-manager release for the add-on version doctor reasons about (the latest when none is resolved). */
function suitableCertManager(facts: DoctorFacts, context: DoctorContext): string {
  const resolution = resolveAddonVersion(facts, context);
  return recommendedCertManager(resolution.kind === 'resolved' ? resolution.version : undefined);
}

function installHint(id: CheckId, facts: DoctorFacts, context: DoctorContext): string {
  return hintFor(id, certManagerInstallCommand(suitableCertManager(facts, context)));
}

/**
 * The fixes for a cert-manager a published rule rules out, least destructive first: an add-on version that no
 * published rule ties to an older cert-manager, then replacing cert-manager. Deleting cert-manager's manifest deletes
 * its CRDs and with them every Certificate and Issuer in the cluster
 * (https://cert-manager.io/docs/installation/kubectl/#uninstalling).
 */
function tooNewFixes(
  resolution: Extract<AddonVersionResolution, { kind: 'resolved' }>,
  certManagerVersion: string,
  recommended: string,
  clusterName: string,
): string {
  const accepting = versionsAcceptingCertManager(resolution.compatible, resolution.clusterMinor, certManagerVersion);
  const fixes: string[] = [];
  const first = accepting[0];
  if (first !== undefined) {
    // the newest eksbuild of each release, newest first
    const releases = accepting.filter(
      (v, index) => accepting.findIndex((w) => coreOf(w.addonVersion) === coreOf(v.addonVersion)) === index,
    );
    const shown = releases.slice(0, 3).map((v) => v.addonVersion);
    const more = releases.length > shown.length ? ` and ${releases.length - shown.length} older` : '';
    const what = resolution.source === 'installed' ? 'update the add-on to a version' : 'install an add-on version';
    fixes.push(
      `${what} with no published cert-manager limit (for Kubernetes ${resolution.clusterMinor}: ${listText(shown)}${more}), keeping cert-manager: adot install --cluster ${clusterName} --addon-version ${first.addonVersion}`,
    );
  }
  const replace = `kubectl delete -f ${certManagerManifestUrl(`v${certManagerVersion}`)} && ${certManagerInstallCommand(recommended)}`;
  fixes.push(
    `(destructive: deletes cert-manager with its CRDs, so every Certificate and Issuer in the cluster) replace cert-manager by ${recommended}: ${replace}`,
  );
  return fixes.length === 1 ? fixes[0]! : fixes.map((fix, index) => `${index + 1}) ${fix}`).join('; ');
}

function inventoryOrProblem(id: CheckId, facts: DoctorFacts): ReturnType<typeof certManagerInventory> | CheckOutcome {
  if (!facts.deployments.ok) return unreadable(id, 'deployments', facts.deployments.error);
  return certManagerInventory(facts.deployments.value, facts.crds.ok ? facts.crds.value : []);
}

function isOutcome(value: unknown): value is CheckOutcome {
  return typeof value === 'object' && value !== null && 'status' in value;
}

export const certManagerInstalled: Check<'cert-manager.installed'> = {
  id: 'cert-manager.installed',
  category: 'cert-manager',
  title: 'cert-manager is installed and available',
  appliesToPre: true,
  retryable: true,
  dependsOn: ['k8s.api'],
  run(facts, context) {
    const inventory = inventoryOrProblem(this.id, facts);
    if (isOutcome(inventory)) return inventory;
    const found = CERT_MANAGER_COMPONENTS.filter((c) => inventory.components.has(c));
    const missing = CERT_MANAGER_COMPONENTS.filter((c) => !inventory.components.has(c));
    if (found.length === 0) {
      return {
        status: 'fail',
        message: 'cert-manager is not installed in any namespace',
        observed: 'no cert-manager deployments',
        expected: 'cert-manager controller, cainjector and webhook deployments',
        hint: installHint(this.id, facts, context),
      };
    }
    if (missing.length > 0) {
      return {
        status: 'fail',
        message: `cert-manager is incomplete: missing ${listText(missing)}`,
        observed: listText(found),
        expected: listText(CERT_MANAGER_COMPONENTS),
        hint: installHint(this.id, facts, context),
      };
    }
    const unavailable = [...inventory.components.values()].filter((d) => !deploymentAvailable(d)).map(qualifiedName);
    if (unavailable.length > 0) {
      return {
        status: 'warn',
        message: `cert-manager deployments not available yet: ${listText(unavailable)}`,
        observed: `${3 - unavailable.length}/3 available`,
        expected: '3/3 available',
        hint: hintFor(
          this.id,
          `kubectl -n ${inventory.namespace} get pods; kubectl -n ${inventory.namespace} rollout status deploy/cert-manager-webhook`,
        ),
      };
    }
    return pass(`cert-manager found in namespace ${inventory.namespace}, all 3 deployments available`, {
      observed: [...inventory.components.values()].map(qualifiedName).join(', '),
    });
  },
};

export const certManagerVersion: Check<'cert-manager.version'> = {
  id: 'cert-manager.version',
  category: 'cert-manager',
  title: 'cert-manager version is compatible with the add-on version',
  appliesToPre: true,
  retryable: false,
  dependsOn: ['cert-manager.installed', 'addon.version'],
  run(facts, context) {
    const inventory = inventoryOrProblem(this.id, facts);
    if (isOutcome(inventory)) return inventory;
    const resolution = resolveAddonVersion(facts, context);
    if (resolution.kind !== 'resolved') return { status: 'skip', message: 'skipped: the add-on version is unknown' };
    const sourcesText = inventory.sources.map((s) => `${s.source} → ${s.version ?? 'no version'}`).join('; ');
    if (inventory.version === undefined) {
      return {
        status: 'warn',
        message: `cannot tell the cert-manager version (no version labels, images pinned by digest only): ${sourcesText || 'no sources'}`,
        observed: 'unknown',
        hint: hintFor(this.id, `kubectl -n ${inventory.namespace} get deploy -o wide`),
      };
    }
    const verdict = certManagerVerdict(resolution.version, inventory.version);
    const observed = `v${inventory.version}`;
    const addon = `add-on ${resolution.version} (${sourceText(resolution.source)})`;
    if (verdict.kind === 'incompatible') {
      return {
        status: 'fail',
        message: `cert-manager v${inventory.version} does not work with ${addon}, which needs ${verdict.rule.certManagerAdvice}`,
        observed,
        expected: verdict.rule.certManagerRange,
        hint: hintFor(
          this.id,
          tooNewFixes(resolution, inventory.version, verdict.rule.certManagerRecommended, context.clusterName),
        ),
      };
    }
    const expected = verdict.kind === 'compatible' ? verdict.rule.certManagerRange : 'no published requirement';
    if (inventory.conflicting.length > 0) {
      return {
        status: 'warn',
        message: `cert-manager sources disagree (${inventory.conflicting.map((v) => `v${v}`).join(' vs ')}): ${sourcesText}`,
        observed: inventory.conflicting.map((v) => `v${v}`).join(', '),
        expected,
        hint: hintFor(this.id, `finish or redo the cert-manager upgrade: ${certManagerInstallCommand(observed)}`),
      };
    }
    const kinds = [...new Set(inventory.sources.map((source) => `${source.kind}s`))];
    const agree = `${inventory.sources.length} sources agree (${listText(kinds)})`;
    if (verdict.kind === 'unknown') {
      return pass(
        `cert-manager v${inventory.version}: no public source states a cert-manager requirement for ${addon}; ${verdict.advice} (${verdict.recommended}); ${agree}`,
        { observed, expected },
      );
    }
    return pass(`cert-manager v${inventory.version} suits ${addon} (${expected}); ${agree}`, { observed, expected });
  },
};

interface WebhookProblem {
  text: string;
}

function webhookProblems(
  configurations: readonly KubeObject[],
  kind: string,
  facts: DoctorFacts,
  namespace: string,
): WebhookProblem[] {
  const problems: WebhookProblem[] = [];
  const services = facts.services.ok ? facts.services.value : [];
  const endpoints = facts.endpoints.ok ? facts.endpoints.value : [];
  for (const configuration of configurations) {
    for (const webhook of arrayField(configuration, 'webhooks')) {
      const name = `${kind} ${configuration.metadata.name}/${stringField(webhook, 'name') ?? '?'}`;
      if (!stringField(webhook, 'clientConfig', 'caBundle')) problems.push({ text: `${name} has no caBundle` });
      const serviceName = stringField(webhook, 'clientConfig', 'service', 'name');
      const serviceNamespace = stringField(webhook, 'clientConfig', 'service', 'namespace') ?? namespace;
      if (serviceName === undefined) continue;
      if (facts.services.ok && !findObject(services, serviceName, serviceNamespace)) {
        problems.push({ text: `service ${serviceNamespace}/${serviceName} is missing` });
      } else if (facts.endpoints.ok && !serviceHasEndpoints(endpoints, serviceNamespace, serviceName)) {
        problems.push({ text: `service ${serviceNamespace}/${serviceName} has no ready endpoints` });
      }
    }
  }
  return problems;
}

function pointsAt(configuration: KubeObject, namespace: string): boolean {
  return arrayField(configuration, 'webhooks').some(
    (w) =>
      stringField(w, 'clientConfig', 'service', 'namespace') === namespace &&
      (stringField(w, 'clientConfig', 'service', 'name') ?? '').includes('cert-manager'),
  );
}

export const certManagerWebhook: Check<'cert-manager.webhook'> = {
  id: 'cert-manager.webhook',
  category: 'cert-manager',
  title: 'cert-manager webhook is configured and serving',
  appliesToPre: true,
  retryable: true,
  dependsOn: ['cert-manager.installed'],
  run(facts, context) {
    const inventory = inventoryOrProblem(this.id, facts);
    if (isOutcome(inventory)) return inventory;
    const namespace = inventory.namespace ?? 'cert-manager';
    if (!facts.validatingWebhooks.ok)
      return unreadable(this.id, 'validating webhook configurations', facts.validatingWebhooks.error);
    if (!facts.mutatingWebhooks.ok)
      return unreadable(this.id, 'mutating webhook configurations', facts.mutatingWebhooks.error);
    const validating = facts.validatingWebhooks.value.filter((c) => pointsAt(c, namespace));
    const mutating = facts.mutatingWebhooks.value.filter((c) => pointsAt(c, namespace));
    if (validating.length === 0) {
      return {
        status: 'fail',
        message: `no ValidatingWebhookConfiguration points at cert-manager's webhook service in ${namespace}`,
        observed: 'none',
        expected: `ValidatingWebhookConfiguration → service ${namespace}/cert-manager-webhook`,
        hint: hintFor(
          this.id,
          `reinstall cert-manager: ${certManagerInstallCommand(inventory.version ? `v${inventory.version}` : suitableCertManager(facts, context))}`,
        ),
      };
    }
    const problems = [
      ...webhookProblems(validating, 'ValidatingWebhookConfiguration', facts, namespace),
      ...webhookProblems(mutating, 'MutatingWebhookConfiguration', facts, namespace),
    ];
    if (problems.length > 0) {
      return {
        status: 'fail',
        message: `cert-manager webhook is not usable: ${listText(problems.map((p) => p.text))}`,
        observed: listText(problems.map((p) => p.text)),
        expected: 'caBundle injected and the webhook service with ready endpoints',
        hint: hintFor(
          this.id,
          `kubectl -n ${namespace} get pods,endpoints; kubectl -n ${namespace} logs deploy/cert-manager-cainjector`,
        ),
      };
    }
    return pass(
      `webhook configurations have a caBundle and service ${namespace}/cert-manager-webhook has ready endpoints`,
      {
        observed: [...validating, ...mutating].map((c) => c.metadata.name).join(', '),
      },
    );
  },
};
