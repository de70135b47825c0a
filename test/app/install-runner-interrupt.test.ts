import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { planSteps, type StepDefinition } from '../../src/app/install/runner.js';
import { AdotError } from '../../src/core/errors.js';
import { StreamOutput } from '../../src/ui/output.js';
import { createStyle } from '../../src/ui/style.js';

function quietOutput(): { output: StreamOutput; stderr: () => string } {
  const chunks: string[] = [];
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const plain = createStyle(0);
  const output = new StreamOutput({
    format: 'text',
    stdout: new Writable({ write: (_c, _e, done) => done() }),
    stderr,
    stdoutStyle: plain,
    stderrStyle: plain,
    verbose: false,
    animate: false,
  });
  return { output, stderr: () => chunks.join('') };
}

/** a step whose observation fails the way a request does when its retry gives up (a 5xx), after `before` runs */
function failingStep(before: () => void): StepDefinition {
  return {
    id: 'namespace',
    resource: 'Namespace aws-otel-eks',
    plan: async () => {
      before();
      throw new Error('get v1 Namespace aws-otel-eks: 500 injected fault');
    },
  };
}

describe('planSteps and Ctrl-C', () => {
  it('reports an interruption, not the error of the request in flight, when Ctrl-C came while observing', async () => {
    const controller = new AbortController();
    const { output, stderr } = quietOutput();
    const error = await planSteps([failingStep(() => controller.abort())], {
      output,
      signal: controller.signal,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdotError);
    expect((error as AdotError).kind).toBe('interrupted');
    expect((error as AdotError).message).toBe('Interrupted while observing: nothing was changed');
    expect(stderr()).toMatch(/Interrupted while observing/);
  });

  it('reports the error itself when no Ctrl-C came', async () => {
    const { output, stderr } = quietOutput();
    const error = await planSteps([failingStep(() => undefined)], { output }).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(AdotError);
    expect((error as Error).message).toMatch(/500 injected fault/);
    expect(stderr()).toMatch(/Could not observe the current state/);
  });
});
