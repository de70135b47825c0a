/**
 * The Amazon Managed Service for Prometheus workspace of the amp target: given (URL or id), found by alias, chosen in
 * a terminal from the region's workspaces, or to be created (by alias). A workspace to create gets its own step,
 * which the collector's configuration waits for.
 */
import { MANAGED_BY_TAG } from '../../core/plan/ownership.js';
import { formatElapsed } from '../../core/elapsed.js';
import type { AmpWorkspaceInfo } from '../../ports.js';
import { failure, timeoutError } from '../../core/errors.js';
import { ampRemoteWriteUrl, resolveAmp, type TemplateValues } from '../../core/templates/values.js';
import { validatedAs } from './prompt-validation.js';
import type { OperationDeps } from './deps.js';
import { assertWorkspaceAlias } from '../../core/templates/values.js';
import type { InstallRequest } from './inputs.js';
import type { ResolvedInstallContext } from './context.js';
import type { InstallRun, StepDefinition } from './runner.js';

export type AmpDestination =
  | { kind: 'none' }
  | { kind: 'given'; ampRemoteWriteUrl: string | undefined; ampWorkspaceId: string | undefined }
  | { kind: 'found'; workspace: AmpWorkspaceInfo }
  | { kind: 'create'; alias: string };

const USABLE = new Set(['ACTIVE', 'CREATING', 'UPDATING']);

/** The workspace with exactly this alias in the region; more than one is ambiguous (aliases are not unique). */
export async function workspaceByAlias(
  deps: Pick<OperationDeps, 'amp'>,
  region: string,
  alias: string,
): Promise<AmpWorkspaceInfo | undefined> {
  const found = (await deps.amp.listWorkspaces(region, alias)).filter((ws) => USABLE.has(String(ws.status)));
  if (found.length > 1) {
    throw failure(
      'AmpAliasAmbiguous',
      `${found.length} AMP workspaces in ${region} have the alias "${alias}": ${found.map((ws) => ws.workspaceId).join(', ')}`,
      { hint: 'pass --amp-workspace-id with the one to use' },
    );
  }
  return found[0];
}

function describe(workspace: AmpWorkspaceInfo): string {
  return `${workspace.alias ?? '(no alias)'} — ${workspace.workspaceId} (${workspace.status})`;
}

/** In a terminal, with no workspace flag: the region's workspaces first, then "create one", then "enter a URL or id". */
async function askForWorkspace(
  deps: OperationDeps,
  region: string,
  allowCustomEndpoint: boolean,
): Promise<AmpDestination> {
  const workspaces = (await deps.amp.listWorkspaces(region)).filter((ws) => USABLE.has(String(ws.status)));
  type Answer = { workspace: AmpWorkspaceInfo } | 'create' | 'enter';
  const answer = await deps.prompter.select<Answer>({
    message: `Amazon Managed Service for Prometheus workspace in ${region}?`,
    flag: '--amp-workspace-alias, --amp-workspace-id or --amp-remote-write-url',
    choices: [
      ...workspaces.map((workspace) => ({ name: describe(workspace), value: { workspace } as Answer })),
      {
        name: 'create a new workspace',
        value: 'create' as Answer,
        description: 'asks for its alias (--amp-workspace-alias)',
      },
      {
        name: 'enter a remote-write URL or a workspace id',
        value: 'enter' as Answer,
        description: `e.g. ${ampRemoteWriteUrl(region, 'ws-12345678-abcd-1234-abcd-123456789012')}`,
      },
    ],
  });
  if (answer === 'create') {
    const alias = await deps.prompter.input({
      message: 'Alias of the new workspace',
      flag: '--amp-workspace-alias',
      validate: validatedAs((value) => assertWorkspaceAlias(value)),
    });
    const existing = await workspaceByAlias(deps, region, alias.trim());
    return existing === undefined ? { kind: 'create', alias: alias.trim() } : { kind: 'found', workspace: existing };
  }
  if (answer === 'enter') {
    const value = (
      await deps.prompter.input({
        message: 'Remote-write URL, or workspace id (ws-…)',
        flag: '--amp-remote-write-url',
        // the flags' own check: a workspace id as --amp-workspace-id, a URL as --amp-remote-write-url
        validate: validatedAs((text) => resolveAmp(ampValues(region, text.trim(), allowCustomEndpoint))),
      })
    ).trim();
    const values = ampValues(region, value, allowCustomEndpoint);
    return { kind: 'given', ampRemoteWriteUrl: values.ampRemoteWriteUrl, ampWorkspaceId: values.ampWorkspaceId };
  }
  return { kind: 'found', workspace: answer.workspace };
}

function ampValues(region: string, value: string, allowCustomEndpoint: boolean): TemplateValues {
  const base = {
    region,
    clusterName: '',
    namespace: 'default',
    serviceAccount: 'default',
    collectorName: 'default',
    allowCustomEndpoint,
  };
  return value.startsWith('ws-') ? { ...base, ampWorkspaceId: value } : { ...base, ampRemoteWriteUrl: value };
}

export async function chooseAmpDestination(
  deps: OperationDeps,
  request: InstallRequest,
  region: string,
): Promise<AmpDestination> {
  if (!request.targets.includes('amp')) return { kind: 'none' };
  if (request.ampRemoteWriteUrl !== undefined || request.ampWorkspaceId !== undefined) {
    return { kind: 'given', ampRemoteWriteUrl: request.ampRemoteWriteUrl, ampWorkspaceId: request.ampWorkspaceId };
  }
  if (request.ampWorkspaceAlias !== undefined) {
    const found = await workspaceByAlias(deps, region, request.ampWorkspaceAlias);
    return found === undefined
      ? { kind: 'create', alias: request.ampWorkspaceAlias }
      : { kind: 'found', workspace: found };
  }
  return askForWorkspace(deps, region, request.allowCustomEndpoint);
}

/**
 * The workspace of `--amp-workspace-alias`: found (and waited for while CREATING), or created after confirmation and
 * waited for until ACTIVE. `onWorkspace` receives its id, which the collector's remote-write URL needs.
 */
export function ampWorkspaceStep(
  deps: OperationDeps,
  input: {
    region: string;
    alias: string;
    deadline: number;
    signal?: AbortSignal | undefined;
    onWorkspace(workspaceId: string): void;
  },
): StepDefinition {
  const { region, alias } = input;
  return {
    id: 'amp.workspace',
    resource: `AMP workspace "${alias}" in ${region}`,
    async plan() {
      const existing = await workspaceByAlias(deps, region, alias);
      if (existing !== undefined) {
        input.onWorkspace(existing.workspaceId);
        return { action: 'none', detail: `${existing.workspaceId} ${existing.status}` };
      }
      return {
        action: 'create',
        detail: `alias ${alias}`,
        confirm: `Create the Amazon Managed Service for Prometheus workspace "${alias}" in ${region} (billed by AWS)?`,
      };
    },
    alwaysApply: true,
    async apply(planned) {
      let workspace = await workspaceByAlias(deps, region, alias);
      if (workspace === undefined) {
        workspace = await deps.amp.createWorkspace(region, alias, { ...MANAGED_BY_TAG });
      }
      input.onWorkspace(workspace.workspaceId);
      const started = deps.clock.now();
      let delay = 500;
      while (workspace?.status !== 'ACTIVE') {
        const remaining = input.deadline - deps.clock.now();
        if (remaining <= 0) {
          throw timeoutError(
            'AmpWorkspaceTimeout',
            `AMP workspace ${alias} is not ACTIVE after ${formatElapsed(deps.clock.now() - started)}: ${workspace?.status ?? 'gone'}`,
            {
              hint: `aws amp describe-workspace --region ${region} --workspace-id ${workspace?.workspaceId ?? '<id>'}`,
            },
          );
        }
        await deps.clock.sleep(Math.min(delay, remaining), input.signal);
        delay = Math.min(5000, delay * 2);
        workspace = await deps.amp.describeWorkspace(region, workspace?.workspaceId ?? '');
        if (workspace === undefined || workspace.status === 'CREATION_FAILED') {
          throw failure(
            'AmpWorkspaceFailed',
            `AMP workspace ${alias} could not be created (${workspace?.status ?? 'gone'})`,
          );
        }
      }
      const waited = planned.action === 'create' ? ` after ${formatElapsed(deps.clock.now() - started)}` : '';
      return { detail: `${workspace.workspaceId} ACTIVE${waited}` };
    },
  };
}

/** The workspace step an install needs: one when `--amp-workspace-alias` names a workspace to find or create. */
export function ampWorkspaceSteps(
  deps: OperationDeps,
  context: ResolvedInstallContext,
  run: InstallRun,
): StepDefinition[] {
  if (context.amp.kind !== 'create') return [];
  return [
    ampWorkspaceStep(deps, {
      region: context.region,
      alias: context.amp.alias,
      deadline: run.deadline,
      signal: run.signal,
      onWorkspace: (id) => (context.createdWorkspace.id = id),
    }),
  ];
}
