#!/bin/sh
# Everything the real-editor tests and `npm start` need on a fresh Debian machine, idempotently:
# Debian's chromium (the workbench client), ripgrep (stands in for @vscode/ripgrep's GitHub download) and
# libkrb5-dev (code-server's kerberos module compiles against it), then code-server into .cache/.
# Needs root for apt-get (CI and these machines run as root) and `npm ci` done first (for tsx).
set -eu
repo="$(cd "$(dirname "$0")/../.." && pwd)"

missing=""
for pkg in chromium ripgrep libkrb5-dev; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done
if [ -n "$missing" ]; then
  echo "Installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086 # one word per package
  apt-get install -y -q $missing
fi

cd "$repo"
node --import tsx scripts/e2e/install-code-server.ts
