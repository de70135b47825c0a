import type { KubeObject, Output, Prompter } from '../../ports.js';
import { failure, interrupted, isAdotError, type AdotError } from '../../core/errors.js';
import { countChanges, isChange, type Step, type StepAction } from '../../core/plan/steps.js';

/**
 * Plan-then-apply. Every step observes (read calls only) and decides in plan(); the runner plans every step first
 * (the dry-run output, and the confirmations asked before anything changes), then walks the steps again: each is
 * observed once more right before it runs, so a step whose state changed meanwhile (an earlier step, an interrupted
 * run, a controller) converges instead of repeating a stale decision.
 */
export interface PlannedAction {
  action: StepAction;
  detail: string;
  /** a question that must be answered yes (or --yes) before this step changes anything */
  confirm?: string;
  /** the Kubernetes object this step applies, for --dry-run -o yaml */
  manifest?: KubeObject;
}

export interface ApplyOutcome {
  action?: StepAction;
  detail?: string;
}

export interface StepDefinition {
  id: string;
  resource: string;
  plan(): Promise<PlannedAction>;
  /** does the change (or the wait); absent for a step that only observes */
  apply?(planned: PlannedAction): Promise<ApplyOutcome | void>;
  /** run apply() even when the plan says none (waits) */
  alwaysApply?: boolean;
}

/** A step that only reports why it does nothing (a part the chosen setup does not need). */
export function skippedStep(id: string, resource: string, reason: string): StepDefinition {
  return { id, resource, plan: async () => ({ action: 'skipped', detail: reason }) };
}

/** What the steps of one install share: its deadline, Ctrl-C, and the confirmations of the run. */
export interface InstallRun {
  deadline: number;
  signal?: AbortSignal | undefined;
  confirm(question: string): Promise<void>;
}

export interface PlanEntry {
  definition: StepDefinition;
  planned: PlannedAction;
}

export interface RunnerDeps {
  output: Output;
  /** Ctrl-C: no step starts after it, and the step in flight stops at its next call or wait */
  signal?: AbortSignal | undefined;
}

/** The failure of one step after others may have changed things: what was done, and what failed. */
export class StepFailure extends Error {
  constructor(
    readonly done: Step[],
    readonly failedStep: { id: string; resource: string },
    readonly error: AdotError,
  ) {
    super(error.message);
    this.name = 'StepFailure';
  }
}

export async function planSteps(definitions: readonly StepDefinition[], deps: RunnerDeps): Promise<PlanEntry[]> {
  const spinner = deps.output.spinner('Observing the current state');
  const entries: PlanEntry[] = [];
  try {
    for (const definition of definitions) {
      if (deps.signal?.aborted === true) throw interrupted('Interrupted while observing: nothing was changed');
      spinner.update(`Observing ${definition.resource}`);
      entries.push({ definition, planned: await definition.plan() });
    }
  } catch (error) {
    // after Ctrl-C, whatever the call in flight threw (an aborted request, a 5xx its retry gave up on) is the
    // interruption
    if (deps.signal?.aborted === true && !(isAdotError(error) && error.kind === 'interrupted')) {
      spinner.fail('Interrupted while observing');
      throw interrupted('Interrupted while observing: nothing was changed', { cause: error });
    }
    spinner.fail('Could not observe the current state');
    throw error;
  }
  spinner.stop();
  return entries;
}

/** The confirmations of one run: each question is asked once (or answered by --yes); a refusal stops the run. */
export class Confirmations {
  private readonly answered = new Set<string>();

  constructor(private readonly prompter: Prompter) {}

  async ask(question: string): Promise<void> {
    if (this.answered.has(question)) return;
    const yes = await this.prompter.confirm({ message: question, flag: '--yes', default: false });
    if (!yes) throw failure('Declined', `Stopped: declined "${question}"`);
    this.answered.add(question);
  }

  /** questions the person already answered by approving a plan that showed them */
  approve(questions: readonly string[]): void {
    for (const question of questions) this.answered.add(question);
  }
}

export interface PlanReview {
  interactive: boolean;
  /** prints the plan, with the steps' own questions (e.g. replacing an add-on version) as cautions under it */
  show(steps: Step[], changes: number, cautions: string[]): void;
  question: string;
  /** what the run decided before its steps that the approval covers too (a target removal --prune did not ask for) */
  cautions?: string[];
  /** ask the question even when not interactive (then only --yes answers it): for runs that only remove */
  required?: boolean;
}

/**
 * Asks every confirmation the plan needs before the first change, so a refusal changes nothing. A person at a
 * terminal first sees the whole plan, with what needs care, and approves it once; --yes and unattended runs go ahead
 * (they asked for it) unless a step needs an answer, which only --yes gives.
 */
export async function confirmPlan(
  entries: readonly PlanEntry[],
  confirmations: Confirmations,
  review?: PlanReview,
): Promise<void> {
  const steps = plannedSteps(entries);
  const changes = countChanges(steps);
  const stepCautions = entries.flatMap(({ planned }) => (planned.confirm === undefined ? [] : [planned.confirm]));
  const cautions = [...(review?.cautions ?? []), ...stepCautions];
  if (review !== undefined && (changes > 0 || cautions.length > stepCautions.length)) {
    if (review.interactive) {
      review.show(steps, changes, cautions);
      await confirmations.ask(review.question);
      confirmations.approve(stepCautions);
    } else if (review.required === true) {
      await confirmations.ask(review.question);
    }
  }
  for (const { planned } of entries) {
    if (planned.confirm !== undefined) await confirmations.ask(planned.confirm);
  }
}

export function plannedSteps(entries: readonly PlanEntry[]): Step[] {
  return entries.map(({ definition, planned }) => ({
    id: definition.id,
    action: planned.action,
    resource: definition.resource,
    detail: planned.detail,
  }));
}

export function plannedManifests(entries: readonly PlanEntry[]): KubeObject[] {
  return entries.flatMap(({ planned }) =>
    planned.manifest !== undefined && isApplied(planned) ? [planned.manifest] : [],
  );
}

function isApplied(planned: PlannedAction): boolean {
  return planned.action !== 'skipped' && planned.action !== 'delete';
}

function toAdotError(error: unknown, signal: AbortSignal | undefined): AdotError {
  // after Ctrl-C, whatever the call in flight threw (an SDK AbortError, a refused request) is the interruption
  if (signal?.aborted === true && !(isAdotError(error) && error.kind === 'interrupted')) {
    return interrupted('Interrupted: this step stopped before it finished', { cause: error });
  }
  if (isAdotError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return failure('StepFailed', message, { cause: error });
}

export async function applySteps(
  entries: readonly PlanEntry[],
  deps: RunnerDeps,
  confirmations: Confirmations,
): Promise<Step[]> {
  const done: Step[] = [];
  for (const { definition } of entries) {
    if (deps.signal?.aborted === true) {
      const error = interrupted('Interrupted: this step and those after it did not start');
      throw new StepFailure(done, { id: definition.id, resource: definition.resource }, error);
    }
    const spinner = deps.output.spinner(definition.resource);
    try {
      const planned = await definition.plan();
      if (planned.confirm !== undefined) await confirmations.ask(planned.confirm);
      let action = planned.action;
      let detail = planned.detail;
      if (definition.apply !== undefined && (isChange(planned.action) || definition.alwaysApply === true)) {
        const outcome = await definition.apply(planned);
        action = outcome?.action ?? action;
        detail = outcome?.detail ?? detail;
      }
      done.push({ id: definition.id, action, resource: definition.resource, detail });
      if (action === 'skipped') spinner.skip(`${definition.resource}: skipped (${detail})`);
      else spinner.succeed(`${definition.resource}: ${describeOutcome(action, detail)}`);
    } catch (error) {
      const adotError = toAdotError(error, deps.signal);
      spinner.fail(`${definition.resource}: ${adotError.message}`);
      throw new StepFailure(done, { id: definition.id, resource: definition.resource }, adotError);
    }
  }
  return done;
}

/** "created (detail)", "updated", or the detail alone when nothing changed */
export function describeOutcome(action: StepAction, detail: string): string {
  if (action === 'none' || action === 'skipped') return detail;
  return `${action}d${detail === '' ? '' : ` (${detail})`}`;
}
