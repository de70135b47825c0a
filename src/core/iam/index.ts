/** The IAM policy evaluator shared by doctor and the sandbox: pure functions, no I/O. */
export { deniedActions, evaluatePolicies, type ActionCheck, type DeniedAction } from './evaluate.js';
export type {
  ContextValue,
  Decision,
  Evaluation,
  EvaluationRequest,
  PolicySource,
  PrincipalMatch,
  RequestContext,
  RequestPrincipal,
  StatementRef,
} from './types.js';
export {
  ASSUME_ROLE_WITH_WEB_IDENTITY,
  evaluateWebIdentityTrust,
  webIdentityContext,
  type WebIdentityAssumption,
} from './web-identity.js';
