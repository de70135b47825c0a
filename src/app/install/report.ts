import type { IdentityDecision } from '../../core/identity/mode.js';
import type { Step } from '../../core/plan/steps.js';
import { ampWorkspaceOfUrl } from '../../core/identity/required-permissions.js';
import { ampRemoteWriteUrl } from '../../core/templates/values.js';
import { describeCollectors } from './addon-config.js';
import { ampRequest, type ResolvedInstallContext } from './context.js';
import { describeOutcome } from './runner.js';

/** `--sandbox`: the in-process sandbox the run used, gone when the command ends */
export interface ThrowAwaySandbox {
  scenario?: string | undefined;
}

/**
 * After `--sandbox` everything the run made is gone with its process, so commands aimed at the cluster would reach
 * real AWS: the next steps start a sandbox that stays, and repeat the install there.
 */
function throwAwaySandboxSteps(context: ResolvedInstallContext, sandbox: ThrowAwaySandbox): string[] {
  const { request } = context;
  const flags = [
    `--target ${request.targets.join(',')}`,
    ...(request.identity === 'auto' ? [] : [`--identity ${request.identity}`]),
    ...(request.mode === 'collector-resource' ? [] : [`--mode ${request.mode}`]),
    ...(request.ampWorkspaceAlias === undefined ? [] : [`--amp-workspace-alias ${request.ampWorkspaceAlias}`]),
  ];
  return [
    `Keep a sandbox to look around: adot sandbox start${sandbox.scenario === undefined ? '' : ` --scenario ${sandbox.scenario}`}`,
    'Point the AWS CLI, kubectl and adot at it: . .adot-sandbox/env',
    `Install there: adot install ${flags.join(' ')} --yes`,
    `Then: adot doctor, kubectl get pods -n ${request.namespace}, and adot sandbox stop when done`,
  ];
}

/** What to do next, per target: the addresses applications send to and how to look at the data. */
export function nextSteps(context: ResolvedInstallContext, sandbox?: ThrowAwaySandbox): string[] {
  if (sandbox !== undefined) return throwAwaySandboxSteps(context, sandbox);
  const { request, region } = context;
  const service = `${request.collectorName}-collector.${request.namespace}`;
  const lines: string[] = [];
  const traces = context.addonConfig?.collectors.find((collector) => collector.targets.includes('xray'));
  if (traces !== undefined) {
    // the add-on's otlpIngest collector receives OTLP only
    lines.push(`Send traces: OTLP to ${traces.name}-collector.${traces.namespace}:4317 (gRPC) or :4318 (HTTP)`);
    lines.push(
      `See them: aws xray get-trace-summaries --region ${region} --start-time $(date -d -5min +%s) --end-time $(date +%s)`,
    );
  } else if (request.targets.includes('xray')) {
    lines.push(`Send traces: set AWS_XRAY_DAEMON_ADDRESS=${service}:2000 in your applications (OTLP: ${service}:4317)`);
    lines.push(
      `See them: aws xray get-trace-summaries --region ${region} --start-time $(date -d -5min +%s) --end-time $(date +%s)`,
    );
  }
  if (request.targets.includes('amp')) {
    const amp = ampRequest(request, context.amp, context.createdWorkspace.id);
    const url = amp.ampRemoteWriteUrl ?? ampRemoteWriteUrl(region, amp.ampWorkspaceId ?? 'WORKSPACE_ID');
    const queryUrl = url.replace(/\/api\/v1\/remote_write$/, '/api/v1/query?query=up');
    lines.push(`Query metrics: awscurl --service aps --region ${region} '${queryUrl}'`);
  }
  if (request.targets.includes('cloudwatch')) {
    lines.push(
      `See metrics: CloudWatch namespace ContainerInsights/Prometheus, log group /aws/containerinsights/${request.cluster}/prometheus`,
    );
  }
  if (request.targets.includes('logs')) {
    lines.push(`See container logs: CloudWatch log group ${request.cluster}/container/logs, one stream per node`);
  }
  lines.push(`Check everything: adot doctor --cluster ${request.cluster}`);
  return lines;
}

export function stepLines(steps: readonly Step[]): string[] {
  return steps.map(
    (step) =>
      `  ${step.action.padEnd(7)} ${step.resource}${step.detail === '' ? '' : `: ${describeOutcome('none', step.detail)}`}`,
  );
}

export function identityLine(identity: IdentityDecision): string {
  return `${identity.mode === 'pod-identity' ? 'EKS Pod Identity' : 'IRSA (IAM roles for service accounts)'}: ${identity.reason}`;
}

/** Where the collector comes from, and why (the default says why it is the default). */
export function modeLine(context: ResolvedInstallContext): string {
  if (context.addonConfig !== undefined) {
    return `the add-on's own collectors from its configuration (--mode addon-config): ${describeCollectors(context.addonConfig)}`;
  }
  return `adot's OpenTelemetryCollector ${context.request.namespace}/${context.request.collectorName} (--mode collector-resource, the default: one collector for every target, on every add-on version; --mode addon-config lets the add-on deploy its own)`;
}

/** A remote write URL that is not AMP's (--allow-custom-endpoint): said before anything changes. */
export function customEndpointLine(context: ResolvedInstallContext): string | undefined {
  const url = context.request.ampRemoteWriteUrl;
  if (url === undefined || !context.request.targets.includes('amp') || ampWorkspaceOfUrl(url) !== undefined) {
    return undefined;
  }
  return `amp: metrics go to the custom endpoint ${new URL(url).host}, not to Amazon Managed Service for Prometheus (--allow-custom-endpoint)`;
}

export function installSummary(context: ResolvedInstallContext, changes: number, sandbox?: ThrowAwaySandbox): string {
  const head =
    changes === 0
      ? `ADOT is already installed on ${context.request.cluster} as requested: nothing changed.`
      : `ADOT is installed on ${context.request.cluster} (${changes} change${changes === 1 ? '' : 's'}).`;
  return [
    head,
    `  add-on ${context.addonVersion}, targets ${context.request.targets.join(', ')}, role ${context.roleArn}`,
    `  identity: ${identityLine(context.identity)}`,
    `  collector: ${modeLine(context)}`,
    ...(sandbox === undefined
      ? []
      : ['', 'That was a throw-away sandbox inside this command: it is gone now, with everything above.']),
    '',
    'Next steps:',
    ...nextSteps(context, sandbox).map((line) => `  - ${line}`),
  ].join('\n');
}

/** The plan a person approves once: every step, then what needs care (each a question a step would ask). */
export function reviewText(
  steps: readonly Step[],
  changes: number,
  cluster: string,
  cautions: readonly string[] = [],
  command = 'install',
): string {
  return [
    `adot ${command} will make ${changes} change${changes === 1 ? '' : 's'} on ${cluster}:`,
    ...stepLines(steps),
    ...(cautions.length === 0 ? [] : ['Approving this plan also answers:', ...cautions.map((c) => `  ! ${c}`)]),
  ].join('\n');
}

export function planText(steps: readonly Step[], changes: number): string {
  return [`Plan (dry run, nothing changed): ${changes} change${changes === 1 ? '' : 's'}`, ...stepLines(steps)].join(
    '\n',
  );
}
