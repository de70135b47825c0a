import type { KubeObject } from '../types.js';
import { badRequest } from './status.js';

/**
 * Label selectors (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`) and field selectors
 * (`path=value`, `path==value`, `path!=value`) as the API server parses them from ?labelSelector= / ?fieldSelector=.
 */
export type Matcher = (object: KubeObject) => boolean;

type Requirement = (labels: Record<string, string>) => boolean;

/** split on commas that are not inside a parenthesised value set */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

const labelKey = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function checkedKey(key: string, selector: string): string {
  if (!labelKey.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

function parseRequirement(text: string, selector: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (set !== null) {
    const key = checkedKey(set[1] ?? '', selector);
    const values = (set[3] ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
    return set[2] === 'in'
      ? (labels) => key in labels && values.includes(labels[key] ?? '')
      : (labels) => !(key in labels) || !values.includes(labels[key] ?? '');
  }
  const comparison = /^([^!=\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(text);
  if (comparison !== null) {
    const key = checkedKey(comparison[1] ?? '', selector);
    const value = comparison[3] ?? '';
    return comparison[2] === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  const absent = /^!\s*(\S+)$/.exec(text);
  if (absent !== null) {
    const key = checkedKey(absent[1] ?? '', selector);
    return (labels) => !(key in labels);
  }
  const key = checkedKey(text, selector);
  return (labels) => key in labels;
}

export function parseLabelSelector(selector: string | undefined): Matcher {
  if (selector === undefined || selector.trim() === '') return () => true;
  const requirements = splitTopLevel(selector).map((part) => parseRequirement(part, selector));
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return requirements.every((requirement) => requirement(labels));
  };
}

/** Fields each kind may be selected by, besides metadata.name and metadata.namespace (as in Kubernetes). */
const extraSelectableFields: Record<string, string[]> = {
  Pod: [
    'spec.nodeName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'spec.restartPolicy',
    'spec.schedulerName',
  ],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Secret: ['type'],
  Namespace: ['status.phase'],
  Node: ['spec.unschedulable'],
  ReplicaSet: ['status.replicas'],
};

function fieldValue(object: KubeObject, path: string): string {
  let node: unknown = object;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object') return '';
    node = (node as Record<string, unknown>)[segment];
  }
  return node === undefined || node === null ? '' : String(node);
}

export function parseFieldSelector(selector: string | undefined, kind: string): Matcher {
  if (selector === undefined || selector.trim() === '') return () => true;
  const tests = splitTopLevel(selector).map((part) => {
    const match = /^([^!=\s]+)\s*(==|!=|=)\s*(.*)$/.exec(part);
    if (match === null) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const field = match[1] ?? '';
    const allowed = ['metadata.name', 'metadata.namespace', ...(extraSelectableFields[kind] ?? [])];
    if (!allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    const value = match[3] ?? '';
    const negate = match[2] === '!=';
    return (object: KubeObject) => (fieldValue(object, field) === value) !== negate;
  });
  return (object) => tests.every((test) => test(object));
}
