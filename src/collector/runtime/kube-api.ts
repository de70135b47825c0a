/**
 * The parts of @kubernetes/client-node the collector uses, imported by name: the collector loads this module when it
 * needs them, and the bundle keeps these and what they need (a dynamic import() of the package itself would keep
 * every API it exports, and put them in the chunk that `adot doctor` loads too).
 */
export { CoreV1Api, KubeConfig, makeInformer, VersionApi } from '@kubernetes/client-node';
