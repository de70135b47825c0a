/**
 * collector.service-account, collector.rbac, collector.resource, collector.deployment and collector.service:
 * the collector resource, what the operator made of it, and what it needs to run.
 */
import type { RolloutStatus } from '../../ports.js';
import { pipelineComponents, receiverPorts } from '../collector-config.js';
import { roleArn } from '../irsa.js';
import { accountOfArn, collectorConfigOf, ROLE_ARN_ANNOTATION, roleNameOfArn } from './collector-identity.js';
import {
  arrayField,
  field,
  findObject,
  hintFor,
  listText,
  pass,
  stringField,
  unreadable,
  withFact,
} from './helpers.js';
import { reviewCollectorResource, problemsText } from './collector-review.js';
import { identityOf } from './iam.js';
import type { Check, DoctorFacts, Fact } from './types.js';
import { daemonSetRolloutOf, statefulSetRolloutOf } from '../workload-rollout.js';

export const collectorServiceAccount: Check<'collector.service-account'> = {
  id: 'collector.service-account',
  category: 'collector',
  title: "the collector's service account exists (and names a role of this account when it uses IRSA)",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['k8s.api'],
  run(facts, context) {
    if (!facts.serviceAccounts.ok)
      return unreadable(this.id, `service accounts in ${context.namespace}`, facts.serviceAccounts.error);
    const identity = identityOf(facts, context);
    const name = `${identity.namespace}/${identity.serviceAccount}`;
    const account = facts.identity.ok ? facts.identity.value.account : undefined;
    const expectedArn = account
      ? roleArn(account, identity.roleName)
      : `arn:aws:iam::<account>:role/${identity.roleName}`;
    if (!identity.serviceAccountObject) {
      const others = facts.serviceAccounts.value.map((sa) => sa.metadata.name).filter((n) => n !== 'default');
      return {
        status: 'fail',
        message: `service account ${name} (from ${identity.serviceAccountSource}) does not exist${others.length ? `; ${identity.namespace} has ${listText(others)}` : ''}`,
        observed: 'not found',
        expected: name,
        hint: hintFor(
          this.id,
          `adot install --cluster ${context.clusterName} --namespace ${identity.namespace} --service-account ${identity.serviceAccount}`,
        ),
      };
    }
    const annotateFix = `kubectl -n ${identity.namespace} annotate serviceaccount ${identity.serviceAccount} --overwrite ${ROLE_ARN_ANNOTATION}=${expectedArn}`;
    const annotation = identity.annotatedRoleArn;
    // without the IRSA annotation the account may use EKS Pod Identity, or nothing: identity.mode judges that
    if (annotation === undefined) {
      return pass(`service account ${name} exists (no IRSA annotation)`, { observed: name, expected: name });
    }
    const annotatedRole = roleNameOfArn(annotation);
    if (annotatedRole === undefined || (context.roleNameGiven && annotatedRole !== context.roleName)) {
      return {
        status: 'fail',
        message:
          annotatedRole === undefined
            ? `annotation ${ROLE_ARN_ANNOTATION} is not a role ARN`
            : `service account ${name} names role ${annotatedRole}, not ${context.roleName}`,
        observed: annotation,
        expected: expectedArn,
        hint: hintFor(this.id, annotateFix),
      };
    }
    if (account !== undefined && accountOfArn(annotation) !== account) {
      return {
        status: 'warn',
        message: `service account ${name} names a role in account ${accountOfArn(annotation)}, not ${account}`,
        observed: annotation,
        expected: expectedArn,
        hint: hintFor(this.id, annotateFix),
      };
    }
    return pass(`service account ${name} is annotated with ${annotation}`, {
      observed: annotation,
      expected: expectedArn,
    });
  },
};

export const collectorResource: Check<'collector.resource'> = {
  id: 'collector.resource',
  category: 'collector',
  title: 'the OpenTelemetryCollector resource exists and its configuration is valid',
  appliesToPre: false,
  retryable: false,
  dependsOn: ['operator.ready'],
  run(facts, context) {
    return withFact(this.id, `OpenTelemetryCollectors in ${context.namespace}`, facts.collectors, (collectors) => {
      const collector = findObject(collectors, context.collectorName, context.namespace);
      const name = `${context.namespace}/${context.collectorName}`;
      if (!collector) {
        const others = collectors.map((c) => c.metadata.name);
        return {
          status: 'fail',
          message: `OpenTelemetryCollector ${name} does not exist${others.length ? `; found ${listText(others)} (pass --collector-name)` : ''}`,
          observed: 'not found',
          expected: name,
          hint: hintFor(
            this.id,
            `adot apply-template --cluster ${context.clusterName} --target xray (or amp, cloudwatch)`,
          ),
        };
      }
      const { config } = collectorConfigOf(collector);
      const { errors, warnings } = reviewCollectorResource(collector);
      const listed = problemsText;
      if (errors.length > 0) {
        return {
          status: 'fail',
          message: `configuration of ${name} has ${errors.length} problem(s): ${listed(errors)}${warnings.length > 0 ? `; and ${warnings.length} warning(s): ${listed(warnings)}` : ''}`,
          observed: `${errors.length} problem(s)`,
          expected: 'a valid collector configuration',
          hint: hintFor(
            this.id,
            errors.find((p) => p.hint)?.hint ??
              `kubectl -n ${context.namespace} edit opentelemetrycollector ${context.collectorName}; or adot apply-template --cluster ${context.clusterName} --target <target> (destructive: replaces the whole configuration with the template)`,
          ),
        };
      }
      const used = pipelineComponents(config!);
      if (warnings.length > 0) {
        return {
          status: 'warn',
          message: `${name} is valid but ${warnings.length} value(s) are probably not what was meant: ${listed(warnings)}`,
          observed: `${warnings.length} warning(s)`,
          expected: 'no warnings',
          hint: hintFor(
            this.id,
            warnings.find((p) => p.hint)?.hint ??
              `kubectl -n ${context.namespace} edit opentelemetrycollector ${context.collectorName}`,
          ),
        };
      }
      return pass(`${name} is valid (receivers ${listText(used.receivers)}; exporters ${listText(used.exporters)})`, {
        observed: `mode ${stringField(collector, 'spec', 'mode') ?? 'deployment'}`,
      });
    });
  },
};

export const collectorDeployment: Check<'collector.deployment'> = {
  id: 'collector.deployment',
  category: 'collector',
  title: "the collector's workload (the Deployment, DaemonSet or StatefulSet its spec.mode makes) is rolled out",
  appliesToPre: false,
  retryable: true,
  dependsOn: ['collector.resource', 'collector.service-account'],
  run(facts, context) {
    const collector = facts.collectors.ok
      ? findObject(facts.collectors.value, context.collectorName, context.namespace)
      : undefined;
    const mode = (collector === undefined ? undefined : stringField(collector, 'spec', 'mode')) ?? 'deployment';
    const workload = workloadOf(mode);
    if (workload === undefined) {
      // the operator injects a sidecar collector into the pods that ask for one and makes no workload of its own
      return {
        status: 'skip',
        message: `skipped: a ${mode} collector has no workload of its own`,
        notApplicable: true,
      };
    }
    const name = `${context.namespace}/${context.collectorName}-collector`;
    const fact = rolloutFact(facts, workload, context.namespace, `${context.collectorName}-collector`);
    return withFact(this.id, `${workload.kind} ${name}`, fact, (rollout) => {
      if (rollout === undefined) {
        return {
          status: 'fail',
          message: `${workload.kind} ${name} does not exist: the operator has not reconciled the collector`,
          observed: 'not found',
          expected: name,
          hint: hintFor(this.id, `kubectl -n opentelemetry-operator-system logs deploy/opentelemetry-operator`),
        };
      }
      const observed = `${rollout.available}/${rollout.desired} available, ${rollout.updated} updated`;
      if (!rollout.complete) {
        return {
          status: 'fail',
          message: `${workload.kind} ${name} is not rolled out${rollout.message ? `: ${rollout.message}` : ''}`,
          observed,
          expected: `${rollout.desired}/${rollout.desired} available`,
          hint: hintFor(
            this.id,
            `kubectl -n ${context.namespace} rollout status ${workload.resource}/${context.collectorName}-collector; kubectl -n ${context.namespace} get events`,
          ),
        };
      }
      return pass(`${workload.kind} ${name} is rolled out`, {
        observed,
        expected: `${rollout.desired}/${rollout.desired} available`,
      });
    });
  },
};

interface Workload {
  kind: 'Deployment' | 'DaemonSet' | 'StatefulSet';
  /** as kubectl names it */
  resource: 'deploy' | 'daemonset' | 'statefulset';
}

/** the workload the OpenTelemetry operator makes for a collector of this spec.mode (none for sidecar) */
function workloadOf(mode: string): Workload | undefined {
  if (mode === 'daemonset') return { kind: 'DaemonSet', resource: 'daemonset' };
  if (mode === 'statefulset') return { kind: 'StatefulSet', resource: 'statefulset' };
  if (mode === 'sidecar') return undefined;
  return { kind: 'Deployment', resource: 'deploy' };
}

function rolloutFact(
  facts: DoctorFacts,
  workload: Workload,
  namespace: string,
  name: string,
): Fact<RolloutStatus | undefined> {
  if (workload.kind === 'Deployment') return facts.collectorRollout;
  const list = workload.kind === 'DaemonSet' ? facts.daemonSets : facts.statefulSets;
  if (!list.ok) return list;
  const object = findObject(list.value, name, namespace);
  if (object === undefined) return { ok: true, value: undefined };
  return {
    ok: true,
    value: workload.kind === 'DaemonSet' ? daemonSetRolloutOf(name, object) : statefulSetRolloutOf(object),
  };
}

export const collectorService: Check<'collector.service'> = {
  id: 'collector.service',
  category: 'collector',
  title: "the collector's service exposes its receivers' ports",
  appliesToPre: false,
  retryable: true,
  dependsOn: ['collector.resource'],
  run(facts, context) {
    const identity = identityOf(facts, context);
    const config = identity.collector ? collectorConfigOf(identity.collector).config : undefined;
    if (!config) return { status: 'skip', message: 'skipped: no collector configuration' };
    const serviceName = `${context.collectorName}-collector`;
    const name = `${context.namespace}/${serviceName}`;
    return withFact(this.id, 'services', facts.services, (services) => {
      const service = findObject(services, serviceName, context.namespace);
      const wanted = receiverPorts(config);
      const wantedText = wanted.map((p) => `${p.port}/${p.protocol}`);
      // the operator creates no Service for a collector that listens on no port (e.g. only a prometheus receiver)
      if (wanted.length === 0) return pass('no receiver listens on a port; no service needed');
      if (!service) {
        return {
          status: 'fail',
          message: `service ${name} does not exist`,
          observed: 'not found',
          expected: listText(wantedText),
          hint: hintFor(this.id, `kubectl -n opentelemetry-operator-system logs deploy/opentelemetry-operator`),
        };
      }
      const exposed = arrayField(service, 'spec', 'ports').map((p) => {
        const port = field(p, 'port');
        return `${typeof port === 'number' ? port : '?'}/${stringField(p, 'protocol') ?? 'TCP'}`;
      });
      const missing = wantedText.filter((p) => !exposed.includes(p));
      if (missing.length > 0) {
        return {
          status: 'fail',
          message: `service ${name} does not expose ${listText(missing)}${missing.some((p) => p.endsWith('/UDP')) ? ' (UDP ports must be listed in spec.ports of the collector resource)' : ''}`,
          observed: listText(exposed),
          expected: listText(wantedText),
          hint: hintFor(
            this.id,
            `kubectl -n ${context.namespace} edit opentelemetrycollector ${context.collectorName} and add ${listText(missing)} to spec.ports; or adot apply-template --cluster ${context.clusterName} --target <target> (destructive: replaces the whole configuration with the template)`,
          ),
        };
      }
      return pass(`service ${name} exposes ${listText(wantedText)}`, {
        observed: listText(exposed),
        expected: listText(wantedText),
      });
    });
  },
};
