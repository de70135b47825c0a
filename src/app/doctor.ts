/**
 * `adot doctor`: every check over one snapshot of facts, as a document (docs/contract.md) and an exit status
 * (0 when nothing fails, 1 otherwise). Printing is the caller's job (src/cli/commands/doctor.ts).
 */
import { formatElapsed } from '../core/elapsed.js';
import type { DoctorContext } from '../core/checks/types.js';
import type { Target } from '../core/targets.js';
import type { IdentityMode } from '../core/identity/mode.js';
import type { Amp, Clock, Eks, Iam, Kube, Output, Sts } from '../ports.js';
import { COLLECTOR_DEFAULTS } from '../core/defaults.js';
import { interrupted } from '../core/errors.js';
import { doctorDocument, type DoctorDocument } from './doctor/document.js';
import { renderDoctorText } from './doctor/render.js';
import { runDoctor } from './doctor/run.js';

export interface DoctorOptions {
  cluster: string;
  pre?: boolean;
  targets?: Target[];
  /** exact version, `default` or `latest` */
  addonVersion?: string;
  namespace?: string;
  serviceAccount?: string;
  collectorName?: string;
  /** when given, a service account naming another role is a finding */
  roleName?: string;
  /** --wait: keep re-checking retryable checks until they pass or this many ms passed */
  waitMs?: number;
  /** the identity the collector should have; absent: whichever is wired */
  identity?: IdentityMode;
}

/** What doctor needs of the composition root (src/system.ts). */
export interface DoctorSystem {
  eks: Eks;
  iam: Iam;
  sts: Sts;
  amp: Amp;
  kube(): Kube;
  clock: Clock;
  output?: Pick<Output, 'info'>;
}

export interface DoctorResult {
  exitStatus: 0 | 1;
  document: DoctorDocument;
  /** sequential round trips on the critical path of the last fact gathering */
  roundTrips: number;
  /** under --wait, when the deadline came first: "gave up after 5.0 s waiting for …", said after the report */
  gaveUp?: string;
}

export function doctorContext(options: DoctorOptions): DoctorContext {
  return {
    clusterName: options.cluster,
    pre: options.pre ?? false,
    namespace: options.namespace ?? COLLECTOR_DEFAULTS.namespace,
    serviceAccount: options.serviceAccount ?? COLLECTOR_DEFAULTS.serviceAccount,
    collectorName: options.collectorName ?? COLLECTOR_DEFAULTS.collectorName,
    roleName: options.roleName ?? COLLECTOR_DEFAULTS.roleName,
    roleNameGiven: options.roleName !== undefined,
    addonVersion: options.addonVersion,
    targets: options.targets && options.targets.length > 0 ? options.targets : undefined,
    identity: options.identity,
  };
}

export async function doctor(
  system: DoctorSystem,
  options: DoctorOptions,
  signal?: AbortSignal,
): Promise<DoctorResult> {
  const run = await runDoctor(
    {
      eks: system.eks,
      iam: system.iam,
      sts: system.sts,
      amp: system.amp,
      kube: () => system.kube(),
      clock: system.clock,
    },
    doctorContext(options),
    {
      ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}),
      ...(signal ? { signal } : {}),
      onRetry: (pending, delayMs) =>
        system.output?.info(`waiting ${Math.round(delayMs / 100) / 10}s for: ${pending.join(', ')}`),
    },
  );
  // after Ctrl-C the calls in flight were aborted: their checks would report failures that are not the cluster's
  if (signal?.aborted === true) throw interrupted('Interrupted: the checks did not finish');
  const document = doctorDocument(options.cluster, run.results);
  return {
    exitStatus: document.ok ? 0 : 1,
    document,
    roundTrips: run.facts.roundTrips,
    ...(run.gaveUp === undefined
      ? {}
      : { gaveUp: `gave up after ${formatElapsed(run.gaveUp.afterMs)} waiting for: ${run.gaveUp.pending.join(', ')}` }),
  };
}

export { renderDoctorText };
export type { DoctorDocument };
