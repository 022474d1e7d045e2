#!/usr/bin/env bash
# Builds FerretDB (pinned by go.mod / go.sum next to this script) into .cache/bin/ferretdb.
# Idempotent: does nothing when the binary is there and reports the pinned version.
#
# Why not `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`: that asks the module
# proxy for the version list, which this network refuses; and FerretDB's main package panics at
# start unless build/version/version.txt exists, a generated file that is not in the published
# module. So: vendor the pinned modules into a scratch folder, add version.txt, build from there.
#
# Environment: KIBBLE_FERRETDB_BIN_DIR overrides the output folder (default <repo>/.cache/bin).
set -euo pipefail
export GOWORK=off

readonly VERSION=v1.24.2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${KIBBLE_FERRETDB_BIN_DIR:-$root/.cache/bin}
bin=$bin_dir/ferretdb

# Captured before grep: with pipefail, `grep -q` closing the pipe early would fail the check.
reports_version() {
  local out
  out=$("$1" --version 2>&1) || return 1
  grep -qx "version: $VERSION" <<<"$out"
}

if [ -x "$bin" ] && reports_version "$bin"; then
  echo "ferretdb: $bin is $VERSION, nothing to build"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "ferretdb: 'go' is not on PATH; install Go >= 1.24 to build FerretDB $VERSION" >&2
  exit 1
fi

mkdir -p "$bin_dir" "$root/.cache"
work=$(mktemp -d "$root/.cache/ferretdb-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "ferretdb: building $VERSION into $bin ($(go version))"
cp "$here/go.mod" "$here/go.sum" "$work/"
cd "$work"

echo "ferretdb: go mod vendor (uses the Go module cache, downloads what is missing)"
go mod vendor
printf '%s\n' "$VERSION" > vendor/github.com/FerretDB/FerretDB/build/version/version.txt

# -trimpath keeps compiled packages independent of the scratch folder's name, so a rebuild
# reuses Go's build cache.
echo "ferretdb: go build -mod=vendor -trimpath github.com/FerretDB/FerretDB/cmd/ferretdb"
go build -mod=vendor -trimpath -o "$bin.tmp.$$" github.com/FerretDB/FerretDB/cmd/ferretdb
mv -f "$bin.tmp.$$" "$bin"

reports_version "$bin" || {
  echo "ferretdb: built binary does not report $VERSION:" >&2
  "$bin" --version >&2
  exit 1
}
echo "ferretdb: done, $bin"
