import { describe, expect, it } from 'vitest';
import { countChanges, operationDocument, type Step } from '../../src/core/plan/steps.js';

const steps: Step[] = [
  { id: 'prerequisites', action: 'none', resource: 'prerequisites', detail: '9 checks pass' },
  { id: 'addon-rbac', action: 'skipped', resource: 'add-on RBAC', detail: 'not needed' },
  { id: 'addon', action: 'create', resource: 'EKS add-on adot', detail: 'v0.58.0-eksbuild.1' },
  { id: 'iam.policies', action: 'update', resource: 'IAM policies', detail: 'detach X' },
  { id: 'collector', action: 'delete', resource: 'collector', detail: '' },
];

describe('operationDocument', () => {
  it('counts every step that is not none or skipped', () => {
    expect(countChanges(steps)).toBe(3);
    expect(operationDocument(steps, { dryRun: true })).toEqual({
      schemaVersion: 1,
      ok: true,
      dryRun: true,
      steps,
      changes: 3,
    });
  });

  it('carries the error and ok false after a failure', () => {
    const document = operationDocument(steps.slice(0, 2), {
      dryRun: false,
      error: { code: 'AddonFailed', message: 'CREATE_FAILED', hint: undefined },
    });
    expect(document).toMatchObject({ ok: false, changes: 0, error: { code: 'AddonFailed', message: 'CREATE_FAILED' } });
    expect(document.error).not.toHaveProperty('hint');
  });
});
