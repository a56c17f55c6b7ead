#!/usr/bin/env bash
# Builds a project's container image with the .NET SDK (no Docker, no Dockerfile) for the architecture the tasks run
# on, and pushes it to the ECR repository the <app>-images stack created, in the region cdk.json names, tagged by the
# content hash the CDK app deploys. An image whose tag is already in ECR is not rebuilt: unchanged code is neither
# rebuilt nor redeployed.
#
#   eng/publish-image.sh [project-resource]      (default: todo-api; needs the AWS CLI and credentials)
set -euo pipefail
cd "$(dirname "$0")/.."

resource="${1:-todo-api}"
read -r project tag runtime region repository < <(dotnet run --project Todo.Aws -- image "$resource")
account="$(aws sts get-caller-identity --query Account --output text)"
registry="$account.dkr.ecr.$region.amazonaws.com"

if aws ecr describe-images --region "$region" --repository-name "$repository" --image-ids "imageTag=$tag" >/dev/null 2>&1; then
  echo "$registry/$repository:$tag is already pushed; nothing to build."
  exit 0
fi

# Amazon RDS's certificate authorities, which the API verifies the database's certificate against (Npgsql's VerifyFull):
# RDS certificates chain to them, not to a public authority. Fetched at each build, so the image carries AWS's current set.
bundle="$(mktemp --suffix=.pem)"
trap 'rm -f "$bundle"' EXIT
curl --fail --silent --show-error --proto '=https' --tlsv1.2 -o "$bundle" https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
if ! openssl crl2pkcs7 -nocrl -certfile "$bundle" 2>/dev/null | openssl pkcs7 -print_certs -noout >/dev/null \
  || [ "$(grep -c 'BEGIN CERTIFICATE' "$bundle")" -lt 1 ]; then
  echo "The RDS certificate bundle downloaded is not a list of certificates; not building." >&2
  exit 1
fi

# The SDK's container tooling reads registry credentials from these variables.
export DOTNET_CONTAINER_REGISTRY_UNAME=AWS
DOTNET_CONTAINER_REGISTRY_PWORD="$(aws ecr get-login-password --region "$region")"
export DOTNET_CONTAINER_REGISTRY_PWORD
dotnet publish "$project" -c Release -r "$runtime" -t:PublishContainer \
  -p:ContainerRegistry="$registry" -p:ContainerRepository="$repository" -p:ContainerImageTag="$tag" -p:DatabaseCaBundle="$bundle"
echo "Pushed $registry/$repository:$tag ($runtime)"
