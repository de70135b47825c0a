/**
 * Every command, registered in this order. To add one:
 *   1. write src/app/<name>.ts, the use-case: a function taking the System (src/system.ts) and plain options,
 *      writing its result through system.output and returning an exit status (or throwing AdotError);
 *   2. write src/cli/commands/<name>.ts exporting `register(program, ctx)`: declare the command and its options in
 *      a table (src/cli/options.ts: value/list/switchOption, added with addOptions), and pass
 *      `ctx.action({ outputs: [...] }, handler)` to `.action()`. The handler receives an Invocation
 *      (src/cli/context.ts), turns `invocation.options` into typed, checked values with parseOptions(table, …)
 *      (and the global --cluster/--region with parseClusterAndRegion), and must load its use-case with
 *      `await import('../../app/<name>.js')` so that `adot --help` loads neither the AWS SDK nor the Kubernetes client;
 *      global options (--cluster, --timeout …) arrive resolved in `invocation.global` / `system.options`;
 *   3. add its register to the list below.
 * Never print or exit from a handler: return the status, throw AdotError (src/core/errors.ts); src/cli/main.ts
 * maps errors to exit codes and output.
 */
import type { Registrar } from '../context.js';
import { register as applyTemplate } from './apply-template.js';
import { register as collector } from './collector.js';
import { register as completion } from './completion.js';
import { register as doctor } from './doctor.js';
import { register as install } from './install.js';
import { register as sandbox } from './sandbox.js';
import { register as uninstall } from './uninstall.js';
import { register as versions } from './versions.js';

export const COMMANDS: readonly Registrar[] = [
  install,
  applyTemplate,
  uninstall,
  doctor,
  versions,
  sandbox,
  collector,
  completion,
];
