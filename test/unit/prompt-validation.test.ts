import { describe, expect, it } from 'vitest';
import { assertWorkspaceAlias } from '../../src/core/templates/values.js';
import { validatedAs } from '../../src/app/install/prompt-validation.js';
import { resolveAmp } from '../../src/core/templates/values.js';

const base = {
  region: 'us-east-1',
  clusterName: '',
  namespace: 'default',
  serviceAccount: 'default',
  collectorName: 'c',
};

describe('prompt answers checked as their flags', () => {
  it("accepts what the flag accepts and refuses the rest with the flag's message and hint", () => {
    const url = validatedAs((text) => resolveAmp({ ...base, ampRemoteWriteUrl: text }));
    expect(url('https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1a2b/api/v1/remote_write')).toBe(true);
    const refused = url('hello');
    expect(refused).toMatch(/^Invalid --amp-remote-write-url "hello": not a URL \(Expected https:\/\/aps-workspaces/);
    const id = validatedAs((text) => resolveAmp({ ...base, ampWorkspaceId: text }));
    expect(id('ws-hello world')).toMatch(/is not an Amazon Managed Service for Prometheus workspace id/);
    expect(validatedAs(assertWorkspaceAlias)('')).toMatch(/--amp-workspace-alias must be 1 to 100 characters/);
    expect(validatedAs(assertWorkspaceAlias)('demo-metrics')).toBe(true);
  });
});
