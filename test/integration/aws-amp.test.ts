import snappy from 'snappy';
import { afterEach, describe, expect, it } from 'vitest';
import { apsService, ApsState } from '../../src/sandbox/aws/aps/index.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';
import { eventually } from '../helpers/eventually.js';
import { signedFetch } from '../helpers/aws-signed-fetch.js';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';

let sandbox: TestAwsSandbox | undefined;
let aps: ApsState | undefined;

afterEach(async () => {
  aps?.workspaces.close();
  await sandbox?.close();
  sandbox = undefined;
  aps = undefined;
});

async function start(workspaceCreateSeconds = 0.1) {
  aps = new ApsState({ account: ACCOUNT, region: REGION, workspaceCreateSeconds });
  sandbox = await startTestAwsSandbox({ account: ACCOUNT, services: [apsService(aps)] });
  const target = sandbox;
  /** a signed call to the amp control plane (restJson1, signing name aps), answering status and JSON body */
  const call = async (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    query?: Record<string, string>,
  ) => {
    const response = await signedFetch(
      target.server.url,
      { service: 'aps', region: REGION, credentials: target.clientConfig.credentials },
      {
        method,
        path,
        ...(query === undefined ? {} : { query }),
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      },
    );
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('x-amzn-errortype'),
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    };
  };
  const remoteWrite = async (workspaceId: string) =>
    (
      await signedFetch(
        target.server.url,
        { service: 'aps', region: REGION, credentials: target.clientConfig.credentials },
        {
          method: 'POST',
          path: `/workspaces/${workspaceId}/api/v1/remote_write`,
          headers: { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' },
          body: snappy.compressSync(Buffer.alloc(0)),
        },
      )
    ).status;
  return { call, remoteWrite, state: aps };
}

describe('Amazon Managed Service for Prometheus control plane (amp/2020-08-01)', () => {
  it('creates a workspace CREATING, then ACTIVE; describes it with its ARN and endpoint; remote write waits for ACTIVE', async () => {
    // CREATING long enough to be seen on a loaded machine
    const { call, remoteWrite } = await start(1.5);
    const created = await call('POST', '/workspaces', { alias: '  prod  ', tags: { team: 'obs' } });
    expect(created.status).toBe(202);
    const id = created.body.workspaceId as string;
    expect(id).toMatch(/^ws-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.body).toEqual({
      workspaceId: id,
      arn: `arn:aws:aps:${REGION}:${ACCOUNT}:workspace/${id}`,
      status: { statusCode: 'CREATING' },
      tags: { team: 'obs' },
    });
    expect(await remoteWrite(id)).toBe(404);
    const active = await eventually(
      () => call('GET', `/workspaces/${id}`),
      (answer) => (answer.body.workspace as { status: { statusCode: string } }).status.statusCode === 'ACTIVE',
    );
    expect(active.body.workspace).toMatchObject({
      workspaceId: id,
      alias: 'prod',
      arn: `arn:aws:aps:${REGION}:${ACCOUNT}:workspace/${id}`,
      prometheusEndpoint: `https://aps-workspaces.${REGION}.amazonaws.com/workspaces/${id}/`,
      tags: { team: 'obs' },
    });
    expect(typeof (active.body.workspace as { createdAt: unknown }).createdAt).toBe('number');
    expect(await remoteWrite(id)).toBe(204);
  });

  it('a clientToken makes CreateWorkspace idempotent', async () => {
    const { call } = await start();
    const first = await call('POST', '/workspaces', { alias: 'a', clientToken: 'token-1' });
    const again = await call('POST', '/workspaces', { alias: 'a', clientToken: 'token-1' });
    expect(again.body.workspaceId).toBe(first.body.workspaceId);
    expect(((await call('GET', '/workspaces')).body.workspaces as unknown[]).length).toBe(1);
  });

  it('lists by alias prefix and page by page', async () => {
    const { call } = await start();
    for (const alias of ['prod-eu', 'prod-us', 'dev']) await call('POST', '/workspaces', { alias });
    const prod = await call('GET', '/workspaces', undefined, { alias: 'prod' });
    expect((prod.body.workspaces as { alias: string }[]).map((workspace) => workspace.alias)).toEqual([
      'prod-eu',
      'prod-us',
    ]);
    const first = await call('GET', '/workspaces', undefined, { maxResults: '2' });
    expect(first.body.workspaces).toHaveLength(2);
    const second = await call('GET', '/workspaces', undefined, {
      maxResults: '2',
      nextToken: first.body.nextToken as string,
    });
    expect((second.body.workspaces as { alias: string }[]).map((workspace) => workspace.alias)).toEqual(['dev']);
    expect(second.body.nextToken).toBeUndefined();
    const bad = await call('GET', '/workspaces', undefined, { maxResults: '0' });
    expect(bad.status).toBe(400);
    expect(bad.type).toBe('ValidationException');
    expect(bad.body).toMatchObject({ reason: 'FIELD_VALIDATION_FAILED', fieldList: [{ name: 'maxResults' }] });
  });

  it('updates the alias; deletes (DELETING, then gone); refuses both while CREATING; 404 with the resource named', async () => {
    const { call, state } = await start(0.2);
    const id = (await call('POST', '/workspaces', { alias: 'old' })).body.workspaceId as string;
    const early = await call('DELETE', `/workspaces/${id}`);
    expect(early.status).toBe(409);
    expect(early.type).toBe('ConflictException');
    expect(early.body).toMatchObject({ resourceId: id, resourceType: 'AWS::APS::Workspace' });
    await eventually(
      () => call('GET', `/workspaces/${id}`),
      (answer) => (answer.body.workspace as { status: { statusCode: string } }).status.statusCode === 'ACTIVE',
    );
    const renamed = await call('POST', `/workspaces/${id}/alias`, { alias: 'new' });
    expect(renamed.status).toBe(204);
    expect((await call('GET', `/workspaces/${id}`)).body.workspace).toMatchObject({ alias: 'new' });
    const tooLong = await call('POST', `/workspaces/${id}/alias`, { alias: 'x'.repeat(101) });
    expect(tooLong).toMatchObject({ status: 400, type: 'ValidationException' });

    expect((await call('DELETE', `/workspaces/${id}`)).status).toBe(202);
    expect((await call('GET', `/workspaces/${id}`)).body.workspace).toMatchObject({
      status: { statusCode: 'DELETING' },
    });
    const gone = await eventually(
      () => call('GET', `/workspaces/${id}`),
      (answer) => answer.status === 404,
    );
    expect(gone).toEqual({
      status: 404,
      type: 'ResourceNotFoundException',
      body: { message: 'Workspace not found', resourceId: id, resourceType: 'AWS::APS::Workspace' },
    });
    expect(state.workspaces.list(undefined)).toEqual([]);
    expect((await call('DELETE', '/workspaces/ws-missing')).status).toBe(404);
  });
});
