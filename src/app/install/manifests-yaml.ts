import { stringify } from 'yaml';
import type { KubeObject } from '../../ports.js';

/** Manifests as one multi-document YAML stream, as `kubectl apply -f -` reads it. */
export function manifestsYaml(objects: readonly KubeObject[]): string {
  return objects.map((object) => `---\n${stringify(object)}`).join('');
}
