#!/usr/bin/env bash
# The action's step "Preview": runs `preview deploy` (or delete, or prune) with the action's inputs,
# which arrive as INPUT_* variables (never pasted into the script), the jar in PREVIEW_JAR and the
# kubeconfig in PREVIEW_KUBECONFIG_FILE. deploy writes url, internal-url, name and namespace to
# $GITHUB_OUTPUT (--github-output) and the URL to the job summary. The step fails with the CLI's exit code.
set -euo pipefail

fail() {
  echo "::error title=preview-operator::$*"
  exit 2
}

boolean() { # NAME VALUE: fails unless VALUE is true or false
  case $2 in
    true | false) ;;
    *) fail "the input $1 is '$2'; it must be true or false" ;;
  esac
}

args=()
option() { # FLAG VALUE: the flag and its value, when the value is not empty
  if [ -n "$2" ]; then args+=("$1" "$2"); fi
}

command=${INPUT_COMMAND:-deploy}
github=${INPUT_GITHUB:-true}
required=${INPUT_GITHUB_REQUIRED:-false}
boolean github "$github"
boolean github-required "$required"

case $command in
  deploy)
    option -f "${INPUT_FILE:-}"
    option --image "${INPUT_IMAGE:-}"
    option --seed-command "${INPUT_SEED_COMMAND:-}"
    option --ingress-host "${INPUT_INGRESS_HOST:-}"
    option --branch "${INPUT_BRANCH:-}"
    option --commit "${INPUT_COMMIT:-}"
    option --name "${INPUT_NAME:-}"
    option --cmd "${INPUT_CMD:-}"
    option --url-env-var-name "${INPUT_URL_ENV_VAR_NAME:-}"
    args+=(--github-output)
    ;;
  delete)
    if [ -n "${INPUT_NAME:-}" ]; then args+=("$INPUT_NAME"); fi
    option --branch "${INPUT_BRANCH:-}"
    ;;
  prune) ;; # --keep-branches FILE (and -l) come in extra-args
  *) fail "the input command is '$command'; it must be deploy, delete or prune" ;;
esac
option --timeout "${INPUT_TIMEOUT:-}"
option -n "${INPUT_NAMESPACE:-}"
option --kubeconfig "${PREVIEW_KUBECONFIG_FILE:-}"
if [ "$required" = true ]; then
  args+=(--github-required)
elif [ "$github" = true ]; then
  args+=(--github)
fi

# extra-args: words as a shell splits them, quotes included, but nothing expanded (xargs does no expansion)
extra=()
if [ -n "${INPUT_EXTRA_ARGS//[[:space:]]/}" ]; then
  words=$(printf '%s\n' "$INPUT_EXTRA_ARGS" | xargs printf '%s\0' | tr '\0' '\036') || fail "the input extra-args has an unmatched quote"
  IFS=$'\036' read -r -a extra <<< "$words" || true
fi

status=0
java -jar "${PREVIEW_JAR:?the step Obtain the preview CLI gave no jar}" "$command" "${args[@]}" "${extra[@]}" || status=$?

if [ "$command" = deploy ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -n "${GITHUB_OUTPUT:-}" ]; then
  url=$(sed -n 's/^url=//p' "$GITHUB_OUTPUT" | tail -n 1)
  name=$(sed -n 's/^name=//p' "$GITHUB_OUTPUT" | tail -n 1)
  if [ -n "$url" ]; then
    if [ "$status" -eq 0 ]; then
      echo "Preview backend **$name** is ready at $url" >> "$GITHUB_STEP_SUMMARY"
    else
      echo "Preview backend **$name** at $url failed (exit code $status); see the step's log" >> "$GITHUB_STEP_SUMMARY"
    fi
  fi
fi
exit "$status"
