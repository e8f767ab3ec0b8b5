#!/usr/bin/env bash
# The action's step "Obtain the preview CLI": puts the CLI's jar at $RUNNER_TEMP/preview-cli/preview.jar
# and writes jar=<path> to $GITHUB_OUTPUT. From, the first that is set:
#   PREVIEW_JAR_URL       a URL of preview.jar (curl)
#   PREVIEW_CLI_VERSION   the release's preview.jar: $GITHUB_SERVER_URL/<repository>/releases/download/v<version>/preview.jar
#   PREVIEW_CLI_REF       a build (Maven) of that git ref of <repository>
#   (none)                a build of the action's own source: this repository at the ref in `uses:`
# <repository> is PREVIEW_CLI_REPOSITORY, else the action's, read from GITHUB_ACTION_PATH
# (.../_actions/<owner>/<name>/<ref>), where the runner puts the actions it downloads.
set -euo pipefail

fail() {
  echo "::error title=preview-operator::$*"
  exit 1
}

action=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: this runs as a step of the action}
dir=${RUNNER_TEMP:-/tmp}/preview-cli
jar=$dir/preview.jar
server=${GITHUB_SERVER_URL:-https://github.com}
mkdir -p "$dir"

repository() {
  if [ -n "${PREVIEW_CLI_REPOSITORY:-}" ]; then
    printf '%s\n' "$PREVIEW_CLI_REPOSITORY"
    return
  fi
  case $action in
    */_actions/*/*/*)
      local rest=${action#*/_actions/}
      local owner=${rest%%/*}
      rest=${rest#*/}
      printf '%s/%s\n' "$owner" "${rest%%/*}"
      ;;
    *) fail "cannot tell this action's repository from its path $action: set the input cli-repository (owner/name)" ;;
  esac
}

build() {
  local src=$1
  if ! command -v mvn >/dev/null 2>&1; then
    fail "building the CLI needs Maven on the runner; or set the input jar-url or cli-version"
  fi
  echo "preview: building the CLI from $src"
  (cd "$src" && mvn -B -q package -DskipTests -pl cli -am)
  cp "$src/cli/target/preview.jar" "$jar"
}

download() {
  echo "preview: downloading the CLI from $1"
  curl -fsSL --retry 3 -o "$jar" "$1" || fail "could not download the CLI's jar from $1"
}

if [ -n "${PREVIEW_JAR_URL:-}" ]; then
  download "$PREVIEW_JAR_URL"
elif [ -n "${PREVIEW_CLI_VERSION:-}" ]; then
  repo=$(repository)
  download "$server/$repo/releases/download/v${PREVIEW_CLI_VERSION#v}/preview.jar"
elif [ -n "${PREVIEW_CLI_REF:-}" ]; then
  repo=$(repository)
  src=$dir/src
  rm -rf "$src"
  git init -q "$src"
  git -C "$src" fetch -q --depth 1 "$server/$repo.git" "$PREVIEW_CLI_REF" || fail "cannot fetch $PREVIEW_CLI_REF from $server/$repo"
  git -C "$src" checkout -q FETCH_HEAD
  build "$src"
else
  build "$action"
fi

# a jar is a zip: it starts with PK
if [ "$(head -c 2 "$jar" 2>/dev/null)" != PK ]; then
  fail "$jar is not a jar (a wrong jar-url or cli-version?)"
fi
echo "jar=$jar" >> "${GITHUB_OUTPUT:?}"
