import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { eventually } from './eventually.js';

export interface MotoServer {
  url: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `moto_server` on a free loopback port and waits until it answers; close() ends that process. */
export async function startMotoServer(deadlineMs = 20_000): Promise<MotoServer> {
  const port = await freePort();
  // moto knows AWS managed policies (AWSXRayDaemonWriteAccess …) only when asked to load them
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`moto_server exited with ${code}: ${stderr}`)));
  });
  exited.catch(() => undefined);
  const url = `http://127.0.0.1:${port}`;
  const answered = eventually(
    () => fetch(`${url}/moto-api/`).then((response) => response.ok),
    (ok) => ok,
    deadlineMs,
  );
  // a server that exits while starting fails at once, not at the deadline
  await Promise.race([answered, exited]).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`moto_server did not answer within ${deadlineMs} ms: ${stderr}; ${String(error)}`);
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
