/**
 * The steps an install, apply-template or uninstall reports (docs/contract.md "JSON output"): one line per resource with
 * what was (or, under --dry-run, would be) done to it.
 */
export type StepAction = 'create' | 'update' | 'delete' | 'none' | 'skipped';

export interface Step {
  id: string;
  action: StepAction;
  resource: string;
  detail: string;
}

/** A step changes something unless it is none or skipped. */
export function isChange(action: StepAction): boolean {
  return action !== 'none' && action !== 'skipped';
}

export function countChanges(steps: readonly Step[]): number {
  return steps.filter((step) => isChange(step.action)).length;
}

export interface OperationDocument {
  schemaVersion: 1;
  ok: boolean;
  dryRun: boolean;
  [extra: string]: unknown;
  steps: Step[];
  changes: number;
  error?: { code: string; message: string; hint?: string };
}

export function operationDocument(
  steps: readonly Step[],
  options: {
    dryRun: boolean;
    error?: { code: string; message: string; hint?: string | undefined };
    /** what the command reports besides its steps (install: add-on version, identity, role …) */
    extra?: Record<string, unknown>;
  },
): OperationDocument {
  const document: OperationDocument = {
    schemaVersion: 1,
    ok: options.error === undefined,
    dryRun: options.dryRun,
    ...options.extra,
    steps: [...steps],
    changes: countChanges(steps),
  };
  if (options.error !== undefined) {
    const { code, message, hint } = options.error;
    document.error = hint === undefined ? { code, message } : { code, message, hint };
  }
  return document;
}
