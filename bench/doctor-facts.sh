#!/usr/bin/env bash
# The facts `adot doctor` gathers, fetched the way a person's script would: one aws / kubectl call after another.
# Expects the sandbox environment (AWS_ENDPOINT_URL, AWS credentials, AWS_REGION, KUBECONFIG, ADOT_CLUSTER).
# Prints the number of calls it made on its last line ("calls N").
set -euo pipefail

cluster="${ADOT_CLUSTER:?set ADOT_CLUSTER}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-${AWS_REGION:-us-east-1}}"
export AWS_PAGER=''
namespace=aws-otel-eks
role=EKS-ADOT-ServiceAccount-Role
calls=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

aws_() { calls=$((calls + 1)); aws "$@" --output json >"$out"; }
kubectl_() { calls=$((calls + 1)); kubectl "$@" >"$out"; }

aws_ sts get-caller-identity
account=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Account"])' "$out")
aws_ eks describe-cluster --name "$cluster"
issuer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cluster"]["identity"]["oidc"]["issuer"])' "$out")
aws_ eks describe-addon --cluster-name "$cluster" --addon-name adot || true
aws_ eks describe-addon-versions --addon-name adot
aws_ iam list-open-id-connect-providers
aws_ iam get-open-id-connect-provider --open-id-connect-provider-arn "arn:aws:iam::${account}:oidc-provider/${issuer#https://}"
aws_ iam get-role --role-name "$role"
aws_ iam list-attached-role-policies --role-name "$role"

kubectl_ version -o json
for kind in deployments services endpoints clusterroles clusterrolebindings customresourcedefinitions \
  validatingwebhookconfigurations mutatingwebhookconfigurations; do
  kubectl_ get "$kind" --all-namespaces -o json
done
kubectl_ get roles,rolebindings -n opentelemetry-operator-system -o json
kubectl_ get opentelemetrycollectors,serviceaccounts -n "$namespace" -o json
kubectl_ rollout status deployment/observability-collector -n "$namespace" --timeout=1s
for check in "create namespaces" "list deployments.apps" "list customresourcedefinitions.apiextensions.k8s.io" \
  "create clusterroles.rbac.authorization.k8s.io" "create clusterrolebindings.rbac.authorization.k8s.io"; do
  kubectl_ auth can-i $check
done
for check in "create roles.rbac.authorization.k8s.io" "create rolebindings.rbac.authorization.k8s.io"; do
  kubectl_ auth can-i $check -n opentelemetry-operator-system
done
for check in "create serviceaccounts" "patch serviceaccounts" "create opentelemetrycollectors.opentelemetry.io" \
  "patch opentelemetrycollectors.opentelemetry.io" "patch deployments.apps"; do
  kubectl_ auth can-i $check -n "$namespace"
done
echo "calls $calls"
