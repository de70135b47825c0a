/**
 * The parsers of the options tables (./options.ts): each turns the text of one flag into its typed value or throws
 * the usage error (exit 2, with a hint) that names the flag. This is the one place a flag's value is checked; loaded
 * only when a command runs.
 */
import { usageError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { parseIdentityChoice, type IdentityMode } from '../core/identity/mode.js';
import { assertRoleName } from '../core/irsa.js';
import { parseAddonVersionRequest } from '../core/plan/addon-version.js';
import { parseInstallMode } from '../core/install-mode.js';
import { parseTargets } from '../core/targets.js';
import { assertSafeValue } from '../core/templates/safe-value.js';
import {
  assertClusterName,
  assertCollectorName,
  assertNamespace,
  assertRegion,
  assertServiceAccount,
  assertWorkspaceAlias,
  assertWorkspaceId,
} from '../core/templates/values.js';

/** A parser that checks a value and returns it unchanged. */
const checked =
  (check: (text: string) => void) =>
  (text: string): string => {
    check(text);
    return text;
  };

export const PARSERS = {
  /** free text (file names, scenario names, tokens): the use-case or the file system judges it */
  text: (text: string): string => text,
  /** a single-line value that ends up in a template or a manifest */
  safeText: (text: string, flag: string): string => {
    assertSafeValue(text, flag);
    return text;
  },
  cluster: checked(assertClusterName),
  region: checked((text) => assertRegion(text)),
  namespace: checked(assertNamespace),
  serviceAccount: checked(assertServiceAccount),
  collectorName: checked(assertCollectorName),
  roleName: checked(assertRoleName),
  ampWorkspaceId: checked(assertWorkspaceId),
  ampWorkspaceAlias: checked(assertWorkspaceAlias),
  addonVersion: parseAddonVersionRequest,
  /** the doctor takes the version as text (exact, default or latest); checked here all the same */
  addonVersionText: (text: string): string => {
    parseAddonVersionRequest(text);
    return text.trim();
  },
  identityChoice: parseIdentityChoice,
  identityMode: (text: string): IdentityMode => {
    const choice = parseIdentityChoice(text);
    if (choice === 'auto') {
      throw usageError('InvalidIdentity', '--identity for doctor names what to expect: pod-identity or irsa', {
        hint: 'omit --identity to accept whichever the service account uses',
      });
    }
    return choice;
  },
  installMode: parseInstallMode,
  kubernetesVersion: (text: string): string => {
    if (!/^1\.\d{1,3}$/.test(text)) {
      throw usageError('InvalidKubernetesVersion', `--kubernetes-version must look like 1.NN, not "${text}"`, {
        hint: 'for example: --kubernetes-version 1.29',
      });
    }
    return text;
  },
  /** adot's duration flags: Go's syntax (https://pkg.go.dev/time#ParseDuration) or seconds; positive */
  duration: (text: string, flag: string): number => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      throw usageError('InvalidDuration', `${flag} must be a duration like 90s, 5m or 1h30m, not "${text}"`, {
        hint: `for example: ${flag} 5m (units ns, us, ms, s, m, h; a bare number is seconds)`,
      });
    }
    return ms;
  },
  /** `--target` (repeatable or comma lists) */
  targets: (texts: readonly string[]) => parseTargets([...texts]),
  /** `--set key=value` (repeatable) into a map; the keys are checked against the chosen targets' templates later */
  setValues: (texts: readonly string[]): Record<string, string> => {
    const result: Record<string, string> = {};
    for (const entry of texts) {
      const equals = entry.indexOf('=');
      if (equals <= 0) {
        throw usageError('InvalidSet', `--set expects key=value, got "${entry}"`, {
          hint: 'e.g. --set batch.timeout=5s (adot apply-template --help lists the keys)',
        });
      }
      result[entry.slice(0, equals).trim()] = entry.slice(equals + 1);
    }
    return result;
  },
  /** repeatable free text, in the order given */
  texts: (texts: readonly string[]): string[] => [...texts],
};

export type Parsers = typeof PARSERS;
