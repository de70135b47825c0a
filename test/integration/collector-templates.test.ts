import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareConfig } from '../../src/collector/config/load.js';
import { startCollector } from '../../src/collector/runtime/collector.js';
import { renderCollectorConfig } from '../../src/core/templates/index.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { startTestCluster, type TestCluster } from '../helpers/kube-cluster.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src/sandbox/seed/identity.js';

describe('collector: the amp and cloudwatch templates run as rendered (Kubernetes discovery from $KUBECONFIG)', () => {
  let cluster: TestCluster;
  let dir: string;

  beforeAll(async () => {
    cluster = await startTestCluster();
    dir = await mkdtemp(join(tmpdir(), 'adot-template-'));
  });
  afterAll(async () => {
    await cluster?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([['amp'], ['cloudwatch']] as const)(
    '%s: starts every job of the template, discovers through the sandbox API, and stops cleanly',
    async (target) => {
      const kubeconfig = join(dir, 'kubeconfig');
      await writeFile(kubeconfig, cluster.kubeconfig());
      const rendered = renderCollectorConfig([target], {
        region: 'us-east-1',
        clusterName: 'demo',
        namespace: 'aws-otel-eks',
        serviceAccount: 'aws-otel-collector',
        collectorName: 'observability',
        ampWorkspaceId: 'ws-12345678-abcd-1234-abcd-123456789012',
      });
      rendered.service.telemetry = { metrics: { address: '127.0.0.1:0' } };
      const env = {
        KUBECONFIG: kubeconfig,
        AWS_ACCESS_KEY_ID: SANDBOX_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SANDBOX_SECRET_ACCESS_KEY,
      };
      const { config } = prepareConfig(rendered, `the ${target} template`, env);
      const logger = memoryLogger();
      const collector = await startCollector({ config, env, logger, shutdownTimeoutMs: 1_000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await collector.shutdown();
      expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([]);
      expect(logger.lines.some((line) => line.includes('kubernetes_sd') && line.includes('cannot list'))).toBe(false);
    },
  );
});
