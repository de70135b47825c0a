export {
  sandboxCredentialStore,
  startAwsServer,
  type AwsServer,
  type AwsServerOptions,
  type RequestRecord,
} from './server.js';
export {
  CredentialStore,
  type IssuedCredentials,
  type IssueRoleSessionInput,
  type Principal,
  type RoleSessionPrincipal,
  type SessionTag,
} from './credentials.js';
export { EksEmulator, type EksEmulatorOptions, type EksClusterRegistration, type EksTiming } from './eks/emulator.js';
export { IamEmulator } from './iam/emulator.js';
export type { AwsService } from './protocols/service.js';
export type { AwsRequest, AwsResponse, CredentialScope } from './protocols/request.js';
export { restJsonError, restJsonInput, restJsonResponse } from './protocols/rest-json.js';
export { queryService, type QueryAction, type QueryServiceDefinition } from './protocols/query.js';
export { SANDBOX_USER_NAME } from './sts/service.js';
