/**
 * What a user does with a collector configuration of the ADOT add-on documentation, in an identity world
 * (identity-world.ts): `adot install` for the collector's namespace, service account and name, then `kubectl apply -f`
 * of the page's resource (test/fixtures/addon-docs/), filled in, replacing adot's collector of that name; then
 * `adot doctor` for that collector.
 */
import { AmpClient, ListWorkspacesCommand } from '@aws-sdk/client-amp';
import { readFile } from 'node:fs/promises';
import { eventually } from './eventually.js';
import { doctor, type DoctorOutcome, type IdentityWorld } from './identity-world.js';
import { sandboxClientConfig } from './sandbox.js';

/** the workspace id written in the fixtures, replaced by the one the install created */
export const FIXTURE_WORKSPACE = 'ws-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

export interface DocsCollector {
  /** the fixture's name, the page's */
  page: string;
  name: string;
  namespace: string;
  serviceAccount: string;
}

export async function installFor(
  world: IdentityWorld,
  collector: DocsCollector,
  options: { targets: string; identity: 'pod-identity' | 'irsa'; workspaceAlias?: string },
): Promise<void> {
  const run = await world.cli([
    'install',
    '--target',
    options.targets,
    '--identity',
    options.identity,
    '--namespace',
    collector.namespace,
    '--service-account',
    collector.serviceAccount,
    '--collector-name',
    collector.name,
    ...(options.workspaceAlias === undefined ? [] : ['--amp-workspace-alias', options.workspaceAlias]),
    '--yes',
  ]);
  if (run.code !== 0) throw new Error(`adot install exited ${run.code}:\n${run.stderr}`);
}

/** the id of the workspace with this alias, as `aws amp list-workspaces --alias` finds it */
export async function workspaceIdOf(world: IdentityWorld, alias: string): Promise<string> {
  const amp = new AmpClient(sandboxClientConfig(world.sandbox));
  try {
    const listed = await amp.send(new ListWorkspacesCommand({ alias }));
    const id = listed.workspaces?.find((workspace) => workspace.alias === alias)?.workspaceId;
    if (id === undefined) throw new Error(`no AMP workspace ${alias}`);
    return id;
  } finally {
    amp.destroy();
  }
}

export async function fixtureText(page: string): Promise<string> {
  return readFile(new URL(`../fixtures/addon-docs/${page}.yaml`, import.meta.url), 'utf8');
}

/** `kubectl apply -f` of the text as a file; fails with kubectl's output */
export async function kubectlApply(world: IdentityWorld, name: string, text: string): Promise<void> {
  const file = await world.kubectl.writeFile(`${name}.yaml`, text);
  const applied = await world.kubectl.run(['apply', '-f', file]);
  if (applied.code !== 0) throw new Error(`kubectl apply exited ${applied.code}: ${applied.stderr}`);
}

/** the names of the collector's pods, as `kubectl get pods` lists them */
export async function podsOf(world: IdentityWorld, collector: DocsCollector): Promise<string[]> {
  const listed = await world.kubectl.run([
    'get',
    'pods',
    '-n',
    collector.namespace,
    '-l',
    `app.kubernetes.io/instance=${collector.namespace}.${collector.name}`,
    '-o',
    'jsonpath={.items[*].metadata.name}',
  ]);
  return listed.stdout.split(/\s+/).filter((name) => name !== '');
}

/** waits until the collector runs `count` pods, none of them one of `before` (the replaced collector's) */
export async function replacedPods(
  world: IdentityWorld,
  collector: DocsCollector,
  before: readonly string[],
  count: number,
): Promise<string[]> {
  return eventually(
    () => podsOf(world, collector),
    (pods) => pods.length === count && pods.every((pod) => !before.includes(pod)),
    20_000,
  );
}

/**
 * `kubectl rollout status` of the collector's workload (`<name>-collector`, the kind its spec.mode makes), as a user
 * waits after `kubectl apply` before asking doctor: pods listed are not yet pods ready, and collector.deployment
 * rightly fails until they are.
 */
export async function rolledOut(
  world: IdentityWorld,
  collector: DocsCollector,
  workload: 'deploy' | 'daemonset' | 'statefulset' = 'deploy',
): Promise<void> {
  const status = await world.kubectl.run([
    'rollout',
    'status',
    `${workload}/${collector.name}-collector`,
    '-n',
    collector.namespace,
    '--timeout=20s',
  ]);
  if (status.code !== 0) throw new Error(`kubectl rollout status exited ${status.code}: ${status.stderr}`);
}

export function doctorFor(world: IdentityWorld, collector: DocsCollector): Promise<DoctorOutcome> {
  return doctor(world, [
    '--namespace',
    collector.namespace,
    '--collector-name',
    collector.name,
    '--service-account',
    collector.serviceAccount,
  ]);
}

/** the checks that neither pass nor are skipped, for a readable failure */
export function notPassing(outcome: DoctorOutcome): string {
  return JSON.stringify(
    outcome.checks.filter((check) => check.status !== 'pass' && check.status !== 'skip'),
    null,
    1,
  );
}

/** whether the sandbox served this AWS call (the credentials a pod gets: STS web identity or EKS Auth) */
export function served(world: IdentityWorld, service: string, operation: string): boolean {
  return world.sandbox
    .awsRequests()
    .some((request) => request.service === service && request.operation === operation && request.status === 200);
}

/** posts one gauge point over OTLP/HTTP JSON to a collector's otlp receiver */
export async function postGauge(httpAddress: string, name: string, resource: Record<string, string>): Promise<void> {
  const body = {
    resourceMetrics: [
      {
        resource: {
          attributes: Object.entries(resource).map(([key, value]) => ({ key, value: { stringValue: value } })),
        },
        scopeMetrics: [
          {
            metrics: [
              {
                name,
                gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: String(BigInt(Date.now()) * 1_000_000n) }] },
              },
            ],
          },
        ],
      },
    ],
  };
  const answer = await fetch(`http://${httpAddress}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (answer.status !== 200) throw new Error(`OTLP/HTTP answered ${answer.status}: ${await answer.text()}`);
}
