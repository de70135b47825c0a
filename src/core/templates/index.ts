export { renderCollector, renderCollectorConfig } from './collector.js';
export {
  manifestsToYaml,
  renderAddonRbac,
  renderNamespace,
  renderPrometheusRbac,
  renderServiceAccount,
  ROLE_ARN_ANNOTATION,
} from './manifests.js';
export { describeSettableKeys, settableKeys } from './settings.js';
export { ampRemoteWriteUrl, validateTemplateValues, type TemplateValues } from './values.js';
