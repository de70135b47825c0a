/**
 * Prometheus relabeling (relabel_configs, metric_relabel_configs): actions replace, keep, drop, labelmap,
 * labeldrop, labelkeep, hashmod (plus lowercase, uppercase, keepequal, dropequal), with Prometheus' defaults:
 * separator ";", regex "(.*)" anchored at both ends, replacement "$1".
 */
import { createHash } from 'node:crypto';
import { SettingsError, type Settings } from '../../config/settings.js';

export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'hashmod'
  | 'lowercase'
  | 'uppercase'
  | 'keepequal'
  | 'dropequal';

const ACTIONS: readonly RelabelAction[] = [
  'replace',
  'keep',
  'drop',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'hashmod',
  'lowercase',
  'uppercase',
  'keepequal',
  'dropequal',
];

export interface RelabelRule {
  action: RelabelAction;
  sourceLabels: string[];
  separator: string;
  targetLabel: string;
  regex: RegExp;
  replacement: string;
  modulus: number;
}

/** Go RE2 syntax to JavaScript: named groups `(?P<name>…)` are written `(?<name>…)`. */
function compile(pattern: string, path: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern.replace(/\(\?P</g, '(?<')})$`);
  } catch (error) {
    throw new SettingsError(path, `invalid regex: ${(error as Error).message}`);
  }
}

export function readRelabelRules(
  list: unknown,
  path: string,
  settingsFor: (raw: unknown, path: string) => Settings,
): RelabelRule[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new SettingsError(path, 'must be a list of relabel rules');
  return list.map((raw, index) => {
    const settings = settingsFor(raw, `${path}[${index}]`).allowOnly([
      'source_labels',
      'separator',
      'target_label',
      'regex',
      'modulus',
      'replacement',
      'action',
    ]);
    const action = settings.string('action', 'replace').toLowerCase() as RelabelAction;
    if (!ACTIONS.includes(action))
      throw new SettingsError(settings.at('action'), `unknown action "${action}"`, `Actions: ${ACTIONS.join(', ')}`);
    const regexRaw = settings.raw('regex');
    const regexText = regexRaw === undefined || regexRaw === null ? '(.*)' : String(regexRaw);
    const rule: RelabelRule = {
      action,
      sourceLabels: settings.stringList('source_labels'),
      separator: settings.string('separator', ';'),
      targetLabel: settings.string('target_label', ''),
      regex: compile(regexText, settings.at('regex')),
      replacement: settings.string('replacement', '$1'),
      modulus: settings.integer('modulus', 0),
    };
    const needsTarget: RelabelAction[] = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'];
    if (needsTarget.includes(action) && rule.targetLabel === '') {
      throw new SettingsError(settings.at('target_label'), `is required for action ${action}`);
    }
    if (action === 'hashmod' && rule.modulus <= 0)
      throw new SettingsError(settings.at('modulus'), 'is required (> 0) for action hashmod');
    if (
      (action === 'labeldrop' || action === 'labelkeep') &&
      (settings.has('source_labels') || settings.has('target_label'))
    ) {
      throw new SettingsError(settings.path, `${action} takes only regex`);
    }
    return rule;
  });
}

/** `$1`, `${1}`, `$name`, `${name}` as Go's regexp.Expand; unknown groups become empty. */
export function expandReplacement(template: string, match: RegExpExecArray): string {
  return template.replace(
    /\$(?:\{([a-zA-Z0-9_]+)\}|([a-zA-Z0-9_]+))/g,
    (_, braced: string | undefined, bare: string | undefined) => {
      const key = braced ?? bare ?? '';
      const group = /^\d+$/.test(key) ? match[Number(key)] : match.groups?.[key];
      return group ?? '';
    },
  );
}

/** md5 of the value, its last 8 bytes as a big-endian integer, modulo `modulus` (Prometheus' hashmod). */
export function hashmod(value: string, modulus: number): number {
  const digest = createHash('md5').update(value).digest();
  return Number(digest.readBigUInt64BE(8) % BigInt(modulus));
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Applies the rules in order; returns the new label set, or undefined when a rule drops it. */
export function relabel(
  labels: Record<string, string>,
  rules: readonly RelabelRule[],
): Record<string, string> | undefined {
  let current = labels;
  for (const rule of rules) {
    const result = applyRule(current, rule);
    if (result === undefined) return undefined;
    current = result;
  }
  return current;
}

function applyRule(labels: Record<string, string>, rule: RelabelRule): Record<string, string> | undefined {
  const value = rule.sourceLabels.map((name) => labels[name] ?? '').join(rule.separator);
  switch (rule.action) {
    case 'keep':
      return rule.regex.test(value) ? labels : undefined;
    case 'drop':
      return rule.regex.test(value) ? undefined : labels;
    case 'keepequal':
      return value === (labels[rule.targetLabel] ?? '') ? labels : undefined;
    case 'dropequal':
      return value === (labels[rule.targetLabel] ?? '') ? undefined : labels;
    case 'replace': {
      const match = rule.regex.exec(value);
      if (match === null) return labels;
      const target = expandReplacement(rule.targetLabel, match);
      if (!LABEL_NAME.test(target)) return labels;
      const replaced = expandReplacement(rule.replacement, match);
      const next = { ...labels };
      if (replaced === '') delete next[target];
      else next[target] = replaced;
      return next;
    }
    case 'lowercase':
    case 'uppercase':
      return { ...labels, [rule.targetLabel]: rule.action === 'lowercase' ? value.toLowerCase() : value.toUpperCase() };
    case 'hashmod':
      return { ...labels, [rule.targetLabel]: String(hashmod(value, rule.modulus)) };
    case 'labelmap': {
      const next = { ...labels };
      for (const [name, labelValue] of Object.entries(labels)) {
        const match = rule.regex.exec(name);
        if (match !== null) next[expandReplacement(rule.replacement, match)] = labelValue;
      }
      return next;
    }
    case 'labeldrop':
    case 'labelkeep': {
      const keep = rule.action === 'labelkeep';
      const next: Record<string, string> = {};
      for (const [name, labelValue] of Object.entries(labels))
        if (rule.regex.test(name) === keep) next[name] = labelValue;
      return next;
    }
  }
}
