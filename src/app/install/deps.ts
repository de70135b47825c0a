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
