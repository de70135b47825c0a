import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real kubectl against a kubeconfig written to a private temp directory, which is also its HOME (so
 * its discovery cache starts empty) and with no KUBECONFIG inherited from the environment.
 */
export class Kubectl {
  private constructor(
    private readonly directory: string,
    private readonly path: string,
    private readonly kubeconfigPath: string,
  ) {}

  static async create(kubeconfig: string, path: string | undefined): Promise<Kubectl> {
    const directory = await mkdtemp(join(tmpdir(), 'adot-kubectl-'));
    const kubeconfigPath = join(directory, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    return new Kubectl(directory, path ?? '/usr/local/bin:/usr/bin:/bin', kubeconfigPath);
  }

  async writeFile(name: string, content: string): Promise<string> {
    const file = join(this.directory, name);
    await writeFile(file, content);
    return file;
  }

  run(args: string[], timeoutMs = 30_000): Promise<KubectlResult> {
    return new Promise((resolve) => {
      execFile(
        'kubectl',
        ['--kubeconfig', this.kubeconfigPath, ...args],
        { env: { PATH: this.path, HOME: this.directory }, timeout: timeoutMs },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  async dispose(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
  }
}
