/**
 * A named profile (--profile, AWS_PROFILE) that no shared file defines would surface later as an unrelated error (the
 * SDK then finds no region: "no AWS region configured"); it is named here instead. The files are read with the SDK's
 * own loader (the same paths and parsing the SDK uses: AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, ~/.aws/…).
 */
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { usageError } from '../../core/errors.js';

export async function assertProfileDefined(profile: string, env: Record<string, string | undefined>): Promise<void> {
  const home = env['HOME'] ?? '';
  const configFilepath = env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config');
  const filepath = env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials');
  const files = await loadSharedConfigFiles({ configFilepath, filepath, ignoreCache: true });
  if (files.configFile[profile] !== undefined || files.credentialsFile[profile] !== undefined) return;
  const known = [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])].sort();
  throw usageError(
    'AwsProfileNotFound',
    `AWS profile "${profile}" is not defined in ${configFilepath} or ${filepath}`,
    {
      hint:
        known.length === 0
          ? 'create it: aws configure --profile ' + profile
          : `known profiles: ${known.join(', ')} (aws configure list-profiles); pass --profile NAME or unset AWS_PROFILE`,
    },
  );
}
