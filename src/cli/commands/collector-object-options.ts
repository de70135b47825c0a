import { COLLECTOR_DEFAULTS } from '../../core/defaults.js';
import { value } from '../options.js';

/** Where the collector lives: the same three flags for install, apply-template, uninstall and doctor. */
export const COLLECTOR_OBJECT_OPTIONS = {
  namespace: value('--namespace <name>', 'namespace of the collector', 'namespace', {
    defaultText: COLLECTOR_DEFAULTS.namespace,
  }),
  serviceAccount: value('--service-account <name>', 'service account of the collector', 'serviceAccount', {
    defaultText: COLLECTOR_DEFAULTS.serviceAccount,
  }),
  collectorName: value('--collector-name <name>', 'name of the OpenTelemetryCollector resource', 'collectorName', {
    defaultText: COLLECTOR_DEFAULTS.collectorName,
  }),
} as const;

/** The role install creates and uninstall removes (doctor words its own: it follows the service account). */
export const ROLE_NAME_OPTION = value('--role-name <name>', 'IAM role of the collector', 'roleName', {
  defaultText: COLLECTOR_DEFAULTS.roleName,
});
