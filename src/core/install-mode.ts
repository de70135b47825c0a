import { usageError } from './errors.js';

/**
 * Where the collector comes from: adot's own OpenTelemetryCollector resource (every add-on version, every template
 * target but logs, one collector), or the collectors the add-on deploys from its configurationValues (v0.62.1 and
 * later; presets from v0.88.0, the only way to the logs target).
 */
export type InstallMode = 'collector-resource' | 'addon-config';
export const INSTALL_MODES: readonly InstallMode[] = ['collector-resource', 'addon-config'];

/** `--mode` */
export function parseInstallMode(text: string): InstallMode {
  const value = text.trim().toLowerCase();
  if ((INSTALL_MODES as readonly string[]).includes(value)) return value as InstallMode;
  throw usageError('UnknownInstallMode', `--mode: "${text}" is not one of ${INSTALL_MODES.join(', ')}`, {
    hint: "--mode collector-resource (adot's collector resource, the default) or --mode addon-config (the add-on's own collectors)",
    details: { mode: text, validModes: [...INSTALL_MODES] },
  });
}
