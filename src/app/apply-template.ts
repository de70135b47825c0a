import { COLLECTOR_CRD } from '../core/compat-data.js';
import { ADDON_NAME } from '../core/defaults.js';
import { validateCollectorConfig } from '../core/collector-config.js';
import { failure, usageError } from '../core/errors.js';
import { resolveAddonVersion } from '../core/plan/addon-version.js';
import { collectorObject } from '../core/plan/manifests.js';
import { operationDocument } from '../core/plan/steps.js';
import { TARGETS, type Target } from '../core/targets.js';
import { renderCollectorConfig } from '../core/templates/index.js';
import { validateTemplateValues, type TemplateValues } from '../core/templates/values.js';
import type { OperationResult } from './install.js';
import { describeClusterOrFail } from './install/context.js';
import type { OperationDeps } from './install/deps.js';
import { collectorApplyStep, collectorVersionFor, type CollectorVersionSource } from './install/collector-step.js';
import { crdExists } from './install/kube-steps.js';
import { manifestsYaml } from './install/manifests-yaml.js';
import { planText, stepLines } from './install/report.js';
import { StepFailure, applySteps, Confirmations, planSteps, plannedSteps } from './install/runner.js';
import { missingValue, regionOfArn } from './install/validate.js';

export interface ApplyTemplateOptions {
  cluster?: string | undefined;
  region?: string | undefined;
  targets: Target[];
  ampRemoteWriteUrl?: string | undefined;
  ampWorkspaceId?: string | undefined;
  allowCustomEndpoint?: boolean | undefined;
  namespace: string;
  serviceAccount: string;
  collectorName: string;
  /** --set key=value, as a map */
  set: Record<string, string>;
  dryRun: boolean;
}

/** The region: --region, else the cluster's own (one DescribeCluster). */
async function regionFor(deps: OperationDeps, options: ApplyTemplateOptions, cluster: string): Promise<string> {
  if (options.region !== undefined) return options.region;
  const info = await describeClusterOrFail(deps, cluster);
  const region = regionOfArn(info.arn);
  if (region === undefined)
    throw usageError('RegionUnknown', `Cannot tell the region of ${cluster}`, { hint: 'pass --region' });
  return region;
}

/**
 * The add-on whose CRD will serve the collector while the CRD is missing (a dry run before the add-on is ACTIVE): the
 * add-on being installed, else the version `adot install` would pick for the cluster; undefined when none fits.
 */
function addonVersionWithoutCrd(deps: OperationDeps, cluster: string): CollectorVersionSource {
  return async (crd) => {
    if (crd !== undefined) return {};
    const installed = await deps.eks.describeAddon(cluster, ADDON_NAME);
    if (installed !== undefined) return { addonVersion: installed.addonVersion };
    const info = await describeClusterOrFail(deps, cluster);
    try {
      const available = await deps.eks.describeAddonVersions(ADDON_NAME, info.version);
      return {
        addonVersion: resolveAddonVersion({
          available,
          clusterVersion: info.version,
          request: undefined,
          installed: undefined,
        }),
      };
    } catch {
      return {};
    }
  };
}

/**
 * `adot apply-template`: render ONE collector for the chosen targets from named values, validate it (values and
 * the resulting collector configuration), then server-side apply it — or, with --dry-run, print it.
 */
export async function applyTemplate(deps: OperationDeps, options: ApplyTemplateOptions): Promise<OperationResult> {
  const { targets, set } = options;
  if (targets.length === 0) throw missingValue('--target', `The target (${TARGETS.join(', ')})`);
  if (options.cluster === undefined) throw missingValue('--cluster', 'The EKS cluster', 'ADOT_CLUSTER');
  const cluster = options.cluster;
  const values: TemplateValues = {
    region: await regionFor(deps, options, cluster),
    clusterName: cluster,
    namespace: options.namespace,
    serviceAccount: options.serviceAccount,
    collectorName: options.collectorName,
    ...(options.ampRemoteWriteUrl === undefined ? {} : { ampRemoteWriteUrl: options.ampRemoteWriteUrl }),
    ...(options.ampWorkspaceId === undefined ? {} : { ampWorkspaceId: options.ampWorkspaceId }),
    ...(options.allowCustomEndpoint === true ? { allowCustomEndpoint: true } : {}),
    ...(Object.keys(set).length === 0 ? {} : { set }),
  };
  validateTemplateValues(values, targets);
  const problems = validateCollectorConfig(renderCollectorConfig(targets, values));
  if (problems.length > 0) {
    throw usageError(
      'InvalidCollectorConfig',
      `The rendered collector configuration is invalid:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
      { hint: problems.find((p) => p.hint !== undefined)?.hint ?? 'check the --set values' },
    );
  }
  const versionSource = addonVersionWithoutCrd(deps, cluster);
  if (options.dryRun && deps.output.format === 'yaml') {
    // the version that would be written: what the cluster serves
    const { apiVersion } = await collectorVersionFor(deps.kube(), versionSource);
    deps.output.stdout(manifestsYaml(collectorObject(targets, values, apiVersion).map((d) => d.object)));
    return { exitStatus: 0, document: operationDocument([], { dryRun: true }) };
  }
  const kube = () => deps.kube();
  const step = collectorApplyStep(
    kube,
    (apiVersion) => collectorObject(targets, values, apiVersion)[0]!,
    versionSource,
  );
  const entries = await planSteps([step], deps);
  if (options.dryRun) {
    const steps = plannedSteps(entries);
    const document = operationDocument(steps, { dryRun: true });
    deps.output.result(document, () => planText(steps, document.changes));
    return { exitStatus: 0, document };
  }
  if (!(await crdExists(deps.kube(), COLLECTOR_CRD))) {
    throw failure(
      'CollectorKindMissing',
      `The cluster does not serve OpenTelemetryCollector (${COLLECTOR_CRD} is missing)`,
      {
        hint: `adot install --cluster ${cluster}   # the ADOT add-on installs it; then adot doctor --cluster ${cluster}`,
      },
    );
  }
  try {
    const steps = await applySteps(entries, deps, new Confirmations(deps.prompter));
    const document = operationDocument(steps, { dryRun: false });
    deps.output.result(document, () =>
      [document.changes === 0 ? 'The collector is up to date.' : 'Collector applied.', ...stepLines(steps)].join('\n'),
    );
    return { exitStatus: 0, document };
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    throw error.error;
  }
}
