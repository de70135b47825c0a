import type { ExitStatus } from '../core/errors.js';
import { countChanges, operationDocument, type OperationDocument } from '../core/plan/steps.js';
import { observeInstallContext, type InstallContext, type ResolvedInstallContext } from './install/context.js';
import { DEFAULT_TIMEOUT_MS } from '../core/defaults.js';
import type { OperationDeps } from './install/deps.js';
import { reportFailure } from './install/failure-report.js';
import { resolveInstallRequest, type InstallOptions } from './install/inputs.js';
import { installSteps } from './install/install-steps.js';
import { removalCaution, targetsStep } from './install/target-changes.js';
import { manifestsYaml } from './install/manifests-yaml.js';
import { requirePrerequisites, type DoctorRequest, type RunDoctor } from './install/prerequisites.js';
import {
  customEndpointLine,
  identityLine,
  installSummary,
  modeLine,
  nextSteps,
  type ThrowAwaySandbox,
  planText,
  reviewText,
} from './install/report.js';
import {
  Confirmations,
  StepFailure,
  applySteps,
  confirmPlan,
  planSteps,
  plannedManifests,
  plannedSteps,
} from './install/runner.js';

export type { InstallOptions } from './install/inputs.js';
export type { OperationDeps } from './install/deps.js';
export type { RunDoctor, DoctorRequest } from './install/prerequisites.js';

export interface OperationResult {
  exitStatus: ExitStatus;
  document: OperationDocument;
}

function doctorRequestOf(context: InstallContext): Omit<DoctorRequest, 'pre'> {
  const { request } = context;
  return {
    cluster: request.cluster,
    targets: request.targets,
    addonVersion: context.addonVersion,
    namespace: request.namespace,
    serviceAccount: request.serviceAccount,
    collectorName: request.collectorName,
    roleName: request.roleName,
    ...(context.identity === undefined ? {} : { identity: context.identity.mode }),
  };
}

/** What install's JSON says besides its steps: what was (or would be) installed, and what to do next. */
function installFacts(context: ResolvedInstallContext, sandbox: ThrowAwaySandbox | undefined) {
  return {
    cluster: context.request.cluster,
    addonVersion: context.addonVersion,
    targets: context.request.targets,
    keptTargets: context.targetChanges.kept,
    removedTargets: context.targetChanges.removed,
    identity: context.identity,
    mode: context.request.mode,
    ...(context.addonConfig === undefined
      ? {}
      : {
          collectors: context.addonConfig.collectors.map(({ name, namespace, targets }) => ({
            name,
            namespace,
            targets,
          })),
        }),
    roleArn: context.roleArn,
    nextSteps: nextSteps(context, sandbox),
  };
}

/**
 * `adot install`: validate input (exit 2, nothing touched) → observe → prerequisites (doctor --pre) → plan →
 * confirmations → apply step by step. Errors before the first change are thrown (the CLI maps them); a failure
 * after it is reported with what changed and the failing doctor checks, and returned with its exit status.
 */
export async function install(
  deps: OperationDeps,
  options: InstallOptions,
  runDoctor: RunDoctor,
): Promise<OperationResult> {
  const deadline = deps.clock.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const request = await resolveInstallRequest(deps, options);
  const context = await observeInstallContext(deps, request);
  const passed = await requirePrerequisites(runDoctor, doctorRequestOf(context));
  deps.output.verbose(`prerequisites: ${passed} checks pass`);
  if (context.addonVersion === undefined || context.identity === undefined) {
    throw context.addonVersionProblem ?? new Error('no add-on version');
  }
  const resolved: ResolvedInstallContext = {
    ...context,
    addonVersion: context.addonVersion,
    identity: context.identity,
    createdWorkspace: {},
  };
  if (context.addonVersionNote !== undefined) {
    deps.output.info(`add-on ${resolved.addonVersion}: ${context.addonVersionNote}`);
  }
  deps.output.info(`identity: ${identityLine(resolved.identity)}`);
  deps.output.info(`collector: ${modeLine(resolved)}`);
  const custom = customEndpointLine(resolved);
  if (custom !== undefined) deps.output.warn(custom);

  const confirmations = new Confirmations(deps.prompter);
  const definitions = installSteps(deps, resolved, {
    deadline,
    signal: options.signal,
    confirm: (question) => confirmations.ask(question),
  });
  const entries = await planSteps(definitions, deps);
  const prerequisitesStep = {
    id: 'prerequisites',
    action: 'none' as const,
    resource: 'prerequisites (doctor --pre)',
    detail: `${passed} checks pass`,
  };
  const targets = targetsStep(resolved.targetChanges);
  if (resolved.targetChanges.kept.length > 0 || resolved.targetChanges.removed.length > 0) {
    deps.output.info(`targets: ${targets.detail}`);
  }

  if (options.dryRun) {
    const steps = [prerequisitesStep, targets, ...plannedSteps(entries)];
    const document = operationDocument(steps, {
      dryRun: true,
      extra: installFacts(resolved, options.throwAwaySandbox),
    });
    if (deps.output.format === 'yaml') deps.output.stdout(manifestsYaml(plannedManifests(entries)));
    else deps.output.result(document, () => planText(steps, document.changes));
    return { exitStatus: 0, document };
  }

  const removal = removalCaution(resolved.targetChanges);
  await confirmPlan(entries, confirmations, {
    interactive: deps.prompter.interactive,
    show: (steps, changes, cautions) =>
      deps.output.info(reviewText([targets, ...steps], changes, request.cluster, cautions)),
    question: `Apply these changes to cluster ${request.cluster}?`,
    cautions: removal === undefined ? [] : [removal],
  });
  try {
    const steps = [prerequisitesStep, targets, ...(await applySteps(entries, deps, confirmations))];
    const document = operationDocument(steps, {
      dryRun: false,
      extra: installFacts(resolved, options.throwAwaySandbox),
    });
    deps.output.result(document, () => installSummary(resolved, countChanges(steps), options.throwAwaySandbox));
    return { exitStatus: 0, document };
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    const steps = [prerequisitesStep, targets, ...error.done];
    await reportFailure({
      output: deps.output,
      done: steps,
      throwAwaySandbox: options.throwAwaySandbox !== undefined,
      failed: error.failedStep,
      error: error.error,
      runDoctor,
      doctorRequest: { ...doctorRequestOf(context), pre: false },
    });
    const document = operationDocument(steps, {
      dryRun: false,
      error: { code: error.error.code, message: error.error.message, hint: error.error.hint },
      extra: installFacts(resolved, options.throwAwaySandbox),
    });
    if (deps.output.format !== 'text' && deps.output.format !== 'short') deps.output.result(document, () => '');
    return { exitStatus: error.error.exitStatus, document };
  }
}
