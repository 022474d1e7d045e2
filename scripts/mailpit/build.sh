#!/usr/bin/env bash
# Builds Mailpit (the local mail catcher: a real SMTP server with a JSON API) into
# .cache/bin/mailpit, pinned to $VERSION, and writes the version beside it (mailpit.version):
# Mailpit's own `version` command asks GitHub, which this network refuses.
# Idempotent: does nothing when that version is there.
#
# `go install github.com/axllent/mailpit@<version>` builds the SMTP server, the message store and
# the JSON API (what kibble's tests and the embedded default use), verified against the Go
# checksum database. It does not build Mailpit's browser UI: those assets are made by npm from
# the module's ui-src/, and the npm registry reachable here lacks versions its lock file pins
# (sass-embedded 1.108.1, rapidoc 12). kibble shows the caught mail itself (docs/mail.md).
#
# Environment: KIBBLE_MAILPIT_BIN_DIR overrides the output folder (default <repo>/.cache/bin).
set -euo pipefail
export GOWORK=off GOFLAGS=-buildvcs=false

readonly VERSION=v1.33.1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${KIBBLE_MAILPIT_BIN_DIR:-$root/.cache/bin}
bin=$bin_dir/mailpit

if [ -x "$bin" ] && [ "$(cat "$bin.version" 2>/dev/null)" = "$VERSION" ]; then
  echo "mailpit: $bin is $VERSION, nothing to build"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "mailpit: 'go' is not on PATH; install Go >= 1.24 to build Mailpit $VERSION" >&2
  exit 1
fi

mkdir -p "$bin_dir"
work=$(mktemp -d "${TMPDIR:-/tmp}/kibble-mailpit-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "mailpit: go install github.com/axllent/mailpit@$VERSION into $bin ($(go version))"
# -trimpath keeps the build cache reusable; the version goes where Mailpit's releases put it.
GOBIN=$work go install -trimpath -ldflags "-X github.com/axllent/mailpit/config.Version=$VERSION" "github.com/axllent/mailpit@$VERSION"
mv -f "$work/mailpit" "$bin.tmp.$$"
mv -f "$bin.tmp.$$" "$bin"
printf '%s\n' "$VERSION" > "$bin.version"
echo "mailpit: done, $bin"
