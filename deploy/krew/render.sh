#!/bin/sh
# render.sh VERSION URI ARCHIVE [HOMEPAGE]: the krew manifest of a release of kubectl-preview, on stdout,
# from the template preview.yaml next to this script. VERSION is v<semver> (krew's rule); URI is where
# the archive is downloaded from; ARCHIVE is the same archive here (its sha256 goes into the manifest);
# HOMEPAGE defaults to the repository of a GitHub release URI (https://github.com/OWNER/REPO).
set -eu

if [ $# -lt 3 ] || [ $# -gt 4 ]; then
  echo "usage: $0 VERSION URI ARCHIVE [HOMEPAGE]" >&2
  exit 2
fi
version=$1
uri=$2
archive=$3
case $version in
  v[0-9]*.[0-9]*.[0-9]*) ;;
  *) echo "render.sh: version '$version' is not v<major>.<minor>.<patch> (krew needs that)" >&2; exit 2 ;;
esac
case $uri in
  https://*) ;;
  *) echo "render.sh: the URI '$uri' must be https://" >&2; exit 2 ;;
esac
if [ ! -f "$archive" ]; then
  echo "render.sh: no archive at $archive" >&2
  exit 2
fi
homepage=${4:-$(printf '%s' "$uri" | sed 's|/releases/download/.*||')}

if command -v sha256sum >/dev/null 2>&1; then
  sha=$(sha256sum "$archive" | cut -d ' ' -f 1)
else
  sha=$(shasum -a 256 "$archive" | cut -d ' ' -f 1)
fi

# escapes what sed's replacement gives a meaning to
escape() {
  printf '%s' "$1" | sed 's/[&|\\]/\\&/g'
}

sed -e "s|@VERSION@|$(escape "$version")|" \
  -e "s|@URI@|$(escape "$uri")|" \
  -e "s|@SHA256@|$sha|" \
  -e "s|@HOMEPAGE@|$(escape "$homepage")|" \
  -e '/^#/d' \
  "$(dirname "$0")/preview.yaml"
