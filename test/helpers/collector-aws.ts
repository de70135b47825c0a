import { EksEmulator, IamEmulator, startAwsServer, type AwsServer } from '../../src/sandbox/aws/index.js';
import type { AwsService } from '../../src/sandbox/aws/protocols/service.js';
import { xrayService, XRaySampling, XRayState } from '../../src/sandbox/aws/xray/index.js';
import { FaultInjector } from '../../src/sandbox/faults.js';
import type { SeedFault } from '../../src/sandbox/types.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src/sandbox/seed/identity.js';

export interface CollectorAwsSandbox {
  server: AwsServer;
  xray: XRayState;
  /** what the collector (and the test's SDK clients) get as their environment */
  env: Record<string, string>;
  clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  close(): Promise<void>;
}

export const COLLECTOR_TEST_ACCOUNT = '111122223333';
export const COLLECTOR_TEST_REGION = 'us-east-1';

/** The sandbox's AWS endpoint serving the given extra services (X-Ray, Logs …) beside empty EKS and IAM. */
export function startAwsEndpoint(
  services: AwsService[],
  options: { faults?: SeedFault[]; randomSeed?: number } = {},
): Promise<AwsServer> {
  const account = COLLECTOR_TEST_ACCOUNT;
  const region = COLLECTOR_TEST_REGION;
  return startAwsServer({
    account,
    region,
    eks: new EksEmulator({
      account,
      region,
      catalog: [],
      timing: { addonCreateSeconds: 0, addonDeleteSeconds: 0, addonUpdateSeconds: 0 },
    }),
    iam: new IamEmulator({ account }),
    services,
    ...(options.faults === undefined ? {} : { faults: new FaultInjector(options.faults, options.randomSeed ?? 7) }),
  });
}

/** The sandbox's AWS endpoint with the X-Ray emulation the collector exports to. */
export async function startCollectorAwsSandbox(options: { faults?: SeedFault[] } = {}): Promise<CollectorAwsSandbox> {
  const region = COLLECTOR_TEST_REGION;
  const xray = new XRayState();
  const server = await startAwsEndpoint([xrayService(xray, new XRaySampling(COLLECTOR_TEST_ACCOUNT, region))], options);
  const credentials = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY };
  return {
    server,
    xray,
    env: {
      AWS_ENDPOINT_URL: server.url,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: region,
    },
    clientConfig: { endpoint: server.url, region, credentials },
    close: () => server.close(),
  };
}
