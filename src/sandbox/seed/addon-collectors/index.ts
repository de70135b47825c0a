import { parse as parseYaml } from 'yaml';
import { adotSchemaRange } from '../../aws/eks/adot-configuration/schemas.js';
import type { AddonInstallSettings, KubeObject } from '../../types.js';
import { legacyCollectorObjects } from './legacy.js';
import type { CollectorContext } from './objects.js';
import { presetObjects } from './presets.js';

export { LEGACY_COLLECTOR_NAME } from './legacy.js';
export { addonOperatorObjectsWith } from './operator.js';
export { PRESET_NAMES } from './presets.js';

/**
 * The collectors (OpenTelemetryCollector, ServiceAccount, RBAC) the ADOT add-on deploys from its
 * configurationValues, for the version's kind of `collector` section: none before v0.62.1, one collector from
 * v0.62.1 to v0.84.0, the preconfigured ones from v0.88.0. The values were validated against the version's schema.
 */
export function addonCollectorObjects(
  addonVersion: string,
  settings: AddonInstallSettings,
  context: Omit<CollectorContext, 'addonVersion'>,
): KubeObject[] {
  const range = adotSchemaRange(addonVersion);
  const text = settings.configurationValues;
  if (range === undefined || text === undefined || text.trim() === '') return [];
  const values = parseYaml(text) as unknown;
  const full = { ...context, addonVersion };
  return range.collector === 'presets'
    ? presetObjects(values, full)
    : legacyCollectorObjects(values, full, settings.serviceAccountRoleArn);
}
