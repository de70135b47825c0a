import { describe, expect, it } from 'vitest';
import { Settings, type SettingsError } from '../../src/collector/config/settings.js';
import { readSigV4Settings } from '../../src/collector/extensions/sigv4auth.js';
import { inferSigV4Scope } from '../../src/core/sigv4-inference.js';

describe('sigv4auth: service and region inferred from the host', () => {
  // opentelemetry-collector-contrib extension/sigv4authextension/signingroundtripper_test.go, TestInferServiceAndRegion
  it.each([
    ['no_service_or_region_match_with_no_config', 'https://example.com', {}, {}],
    [
      'amp_service_and_region_match_with_no_config',
      'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-XXX/api/v1/remote_write',
      {},
      { service: 'aps', region: 'us-east-1' },
    ],
    [
      'es_service_and_region_match_with_no_config',
      'https://search-my-domain.us-east-1.es.amazonaws.com/_search?q=house',
      {},
      { service: 'es', region: 'us-east-1' },
    ],
    [
      'no_match_with_config',
      'https://example.com',
      { region: 'region', service: 'service' },
      { service: 'service', region: 'region' },
    ],
    [
      'match_with_config',
      'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-XXX/api/v1/remote_write',
      { region: 'region', service: 'service' },
      { service: 'service', region: 'region' },
    ],
    // signingroundtripper.go, inferServiceAndRegion: the logs and xray prefixes
    ['logs', 'https://logs.eu-west-1.amazonaws.com/', {}, { service: 'logs', region: 'eu-west-1' }],
    ['xray', 'https://xray.ap-south-1.amazonaws.com/TraceSegments', {}, { service: 'xray', region: 'ap-south-1' }],
    [
      'region only from the host',
      'https://aps-workspaces.us-west-2.amazonaws.com/',
      { service: 'aps' },
      { service: 'aps', region: 'us-west-2' },
    ],
  ])('%s', (_name, url, configured, expected) => {
    expect(inferSigV4Scope(new URL(url).hostname, configured)).toEqual(expected);
  });
});

describe('sigv4auth: settings', () => {
  const read = (raw: Record<string, unknown>) => readSigV4Settings(new Settings(raw, 'extensions.sigv4auth'));
  const failure = (raw: Record<string, unknown>): string => {
    try {
      read(raw);
    } catch (error) {
      return `${(error as SettingsError).path}: ${(error as Error).message}`;
    }
    return 'accepted';
  };

  it('region and service may be left for the endpoint to tell', () => {
    expect(read({})).toEqual({});
    expect(read({ region: 'us-west-2', service: 'aps' })).toEqual({ region: 'us-west-2', service: 'aps' });
  });

  // config.go, Validate: sts_region defaults to region
  it('assume_role: sts_region defaults to region, session_name is kept', () => {
    expect(
      read({ region: 'us-west-2', assume_role: { arn: 'arn:aws:iam::123456789012:role/amp', session_name: 's' } }),
    ).toEqual({
      region: 'us-west-2',
      assumeRole: { arn: 'arn:aws:iam::123456789012:role/amp', stsRegion: 'us-west-2', sessionName: 's' },
    });
    expect(read({ assume_role: { arn: 'arn:aws:iam::123456789012:role/amp', sts_region: 'eu-west-1' } })).toEqual({
      assumeRole: { arn: 'arn:aws:iam::123456789012:role/amp', stsRegion: 'eu-west-1' },
    });
  });

  it('refuses what cannot work, naming the key', () => {
    expect(failure({ region: 'moon-1' })).toBe('extensions.sigv4auth.region: "moon-1" is not an AWS region');
    expect(failure({ assume_role: { arn: 'amp-writer', sts_region: 'us-east-1' } })).toBe(
      'extensions.sigv4auth.assume_role.arn: "amp-writer" is not an IAM role ARN',
    );
    expect(failure({ assume_role: { arn: 'arn:aws:iam::123456789012:role/amp' } })).toBe(
      'extensions.sigv4auth.assume_role.sts_region: is required to assume a role when region is not set',
    );
    expect(failure({ assume_role_with_web_identity: {} })).toMatch(/unknown setting/);
  });
});
