import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { CallerIdentity, Sts } from '../../ports.js';
import { type AwsClientSettings, sdkCallOptions, sdkClientConfig } from './client-config.js';
import { mapAwsError } from './errors.js';

export class SdkSts implements Sts {
  private readonly callOptions: { abortSignal?: AbortSignal };
  private readonly client: STSClient;

  constructor(settings: AwsClientSettings) {
    this.callOptions = sdkCallOptions(settings);
    this.client = new STSClient(sdkClientConfig(settings));
  }

  destroy(): void {
    this.client.destroy();
  }

  async getCallerIdentity(): Promise<CallerIdentity> {
    try {
      const answer = await this.client.send(new GetCallerIdentityCommand({}), this.callOptions);
      return { account: answer.Account ?? '', arn: answer.Arn ?? '', userId: answer.UserId ?? '' };
    } catch (error) {
      throw mapAwsError(error, { service: 'sts', operation: 'GetCallerIdentity' });
    }
  }
}
