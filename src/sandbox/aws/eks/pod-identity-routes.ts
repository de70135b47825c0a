import {
  label,
  optionalBoolean,
  optionalString,
  optionalTags,
  pageOf,
  requiredString,
  type Route,
} from './route-input.js';

/**
 * The EKS Pod Identity association operations (botocore eks 2017-11-01): Create `POST`, List `GET` (query
 * namespace, serviceAccount, maxResults, nextToken) on /clusters/{name}/pod-identity-associations; Describe `GET`,
 * Update `POST` and Delete `DELETE` on …/{associationId}.
 */
export const podIdentityRoutes: Route[] = [
  {
    operation: 'CreatePodIdentityAssociation',
    method: 'POST',
    pattern: ['clusters', '{name}', 'pod-identity-associations'],
    serve: (eks, { labels, body }) => {
      const input = body();
      return {
        association: eks.createPodIdentityAssociation(label(labels, 'name'), {
          namespace: requiredString(input, 'namespace'),
          serviceAccount: requiredString(input, 'serviceAccount'),
          roleArn: requiredString(input, 'roleArn'),
          clientRequestToken: optionalString(input, 'clientRequestToken'),
          tags: optionalTags(input),
          disableSessionTags: optionalBoolean(input, 'disableSessionTags'),
          targetRoleArn: optionalString(input, 'targetRoleArn'),
          policy: optionalString(input, 'policy'),
        }),
      };
    },
  },
  {
    operation: 'ListPodIdentityAssociations',
    method: 'GET',
    pattern: ['clusters', '{name}', 'pod-identity-associations'],
    serve: (eks, { labels, query }) =>
      eks.listPodIdentityAssociations(label(labels, 'name'), {
        ...pageOf(query),
        namespace: query.get('namespace') ?? undefined,
        serviceAccount: query.get('serviceAccount') ?? undefined,
      }),
  },
  {
    operation: 'DescribePodIdentityAssociation',
    method: 'GET',
    pattern: ['clusters', '{name}', 'pod-identity-associations', '{associationId}'],
    serve: (eks, { labels }) => ({
      association: eks.describePodIdentityAssociation(label(labels, 'name'), label(labels, 'associationId')),
    }),
  },
  {
    operation: 'UpdatePodIdentityAssociation',
    method: 'POST',
    pattern: ['clusters', '{name}', 'pod-identity-associations', '{associationId}'],
    serve: (eks, { labels, body }) => {
      const input = body();
      return {
        association: eks.updatePodIdentityAssociation(label(labels, 'name'), label(labels, 'associationId'), {
          roleArn: optionalString(input, 'roleArn'),
          clientRequestToken: optionalString(input, 'clientRequestToken'),
          disableSessionTags: optionalBoolean(input, 'disableSessionTags'),
          targetRoleArn: optionalString(input, 'targetRoleArn'),
          policy: optionalString(input, 'policy'),
        }),
      };
    },
  },
  {
    operation: 'DeletePodIdentityAssociation',
    method: 'DELETE',
    pattern: ['clusters', '{name}', 'pod-identity-associations', '{associationId}'],
    serve: (eks, { labels }) => ({
      association: eks.deletePodIdentityAssociation(label(labels, 'name'), label(labels, 'associationId')),
    }),
  },
];
