#!/usr/bin/env bash
# The action's step "Cluster access": the input kubeconfig (PREVIEW_KUBECONFIG) as a file, whose path goes
# to $GITHUB_OUTPUT as path=<file>. The input is the path of a file, or a kubeconfig's content (YAML or
# JSON), or that content in base64 (as a secret often holds it); empty: nothing (the CLI reads KUBECONFIG
# or ~/.kube/config). The file is readable by the job's user only and never printed.
set -euo pipefail

value=${PREVIEW_KUBECONFIG:-}
if [ -z "$value" ]; then
  echo "path=" >> "${GITHUB_OUTPUT:?}"
  exit 0
fi
if [ -f "$value" ]; then
  echo "path=$value" >> "${GITHUB_OUTPUT:?}"
  exit 0
fi

dir=${RUNNER_TEMP:-/tmp}/preview-cli
file=$dir/kubeconfig
mkdir -p "$dir"
umask 077
looks_like_kubeconfig() {
  grep -Eq '(^|[[:space:]"{])(apiVersion|clusters|contexts)"?[[:space:]]*:' "$1"
}
printf '%s\n' "$value" > "$file"
if ! looks_like_kubeconfig "$file"; then
  if printf '%s' "$value" | tr -d ' \n\r\t' | base64 -d > "$file.decoded" 2>/dev/null && looks_like_kubeconfig "$file.decoded"; then
    mv "$file.decoded" "$file"
  else
    rm -f "$file" "$file.decoded"
    echo "::error title=preview-operator::the input kubeconfig is neither a file, nor a kubeconfig, nor base64 of one"
    exit 1
  fi
fi
echo "path=$file" >> "${GITHUB_OUTPUT:?}"
