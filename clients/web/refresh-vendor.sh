#!/usr/bin/env bash
# Refreshes the web page's third-party assets in the jar (src/main/resources/webroot/ui/vendor/) from the versions
# pinned in package-lock.json: Uppy's prebuilt bundle (@uppy/core, @uppy/dashboard, @uppy/tus and the rest of the
# `uppy` umbrella) and sockjs-client's. The bundles are vendored, not built during `mvn package`, so building the
# gateway needs neither node nor the npm registry. To move to newer versions: edit package.json, run
# `npm install --package-lock-only`, then this script, and commit the lock file with the assets.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts >/dev/null
out=../../src/main/resources/webroot/ui/vendor
rm -rf "$out" && mkdir -p "$out"
licenses="$out/THIRD-PARTY-LICENSES.txt"
cp node_modules/uppy/dist/uppy.min.js node_modules/uppy/dist/uppy.min.css "$out/"
cp node_modules/sockjs-client/dist/sockjs.min.js "$out/"
# every package whose code is in a bundle has its license in one file beside it
for pkg in $(node -e 'const l=require("./package-lock.json").packages;for(const k in l){if(k&&!l[k].dev)console.log(k.replace(/^node_modules\//,""))}'); do
  for f in LICENSE LICENSE.md LICENSE.txt license LICENCE; do
    if [ -f "node_modules/$pkg/$f" ]; then
      { printf '==== %s %s ====\n' "$pkg" "$(node -p "require('./node_modules/$pkg/package.json').version")"
        cat "node_modules/$pkg/$f"; printf '\n'; } >> "$licenses"
      break
    fi
  done
done
(cd "$out" && sha256sum uppy.min.js uppy.min.css sockjs.min.js > SHA256SUMS)
echo "vendored: $(ls "$out" | tr '\n' ' ')"
