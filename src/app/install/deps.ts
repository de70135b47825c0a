import type { Amp, Clock, Eks, Iam, Kube, Output, Prompter, Sts } from '../../ports.js';

/** What install, apply-template and uninstall need from the composition root (src/system.ts's System has it). */
export interface OperationDeps {
  eks: Eks;
  iam: Iam;
  sts: Sts;
  amp: Amp;
  kube(): Kube;
  clock: Clock;
  output: Output;
  prompter: Prompter;
  /** Ctrl-C (src/cli/main.ts owns SIGINT/SIGTERM and aborts it) */
  signal?: AbortSignal | undefined;
}

export const ADDON_NAME = 'adot';

/** How long waits may take when --timeout is not given: add-ons take minutes on EKS, rollouts less. */
export const DEFAULT_TIMEOUT_MS = 20 * 60_000;
