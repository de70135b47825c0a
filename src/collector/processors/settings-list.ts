import { Settings, SettingsError } from '../config/settings.js';

/**
 * A list of mappings under `key` (transforms, operations, metric_declarations …), each as Settings whose errors
 * name its index, e.g. processors.metricstransform.transforms[0].operations[1].label.
 */
export function settingsList(settings: Settings, key: string): Settings[] {
  const raw = settings.raw(key);
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new SettingsError(settings.at(key), 'must be a list');
  return raw.map((item: unknown, index) => new Settings(item, `${settings.at(key)}[${index}]`));
}

/** A regular expression from the configuration, refused with its path when it does not compile. */
export function compileRegex(pattern: string, path: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new SettingsError(path, `"${pattern}" is not a valid regular expression: ${(error as Error).message}`);
  }
}
