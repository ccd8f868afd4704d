#!/usr/bin/env bash
# Copy the YASGUI SPARQL editor (npm: @zazuko/yasgui, pinned) into the package's static files, so
# that the query page works offline: src/xpo1kg/server/static/vendor/yasgui/ gets the built bundle
# (yasgui.min.js, yasgui.min.css), VERSION, and LICENSES.txt (YASGUI's MIT licence, declared in its
# package.json: the npm packages ship no licence file, plus the licence files of every package in
# its dependency tree that ships one). Needs node and npm (the npm registry); run from anywhere.
set -euo pipefail
VERSION="4.6.2"
cd "$(dirname "$0")/.."
target="src/xpo1kg/server/static/vendor/yasgui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && echo '{"private": true}' >package.json &&
    npm install --silent --no-audit --no-fund --ignore-scripts "@zazuko/yasgui@$VERSION" >/dev/null)
build="$work/node_modules/@zazuko/yasgui/build"
rm -rf "$target" && mkdir -p "$target"
# The source map is left out: it names files that are not shipped, and the browser would ask for it.
sed -e '/^\/\/# sourceMappingURL=/d' "$build/yasgui.min.js" >"$target/yasgui.min.js"
sed -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$build/yasgui.min.css" >"$target/yasgui.min.css"
echo "@zazuko/yasgui $VERSION" >"$target/VERSION"
{
    cat <<'MIT'
@zazuko/yasgui, @zazuko/yasqe, @zazuko/yasr, @zazuko/yasgui-utils: MIT licence (their package.json
"license": "MIT"; author Triply <info@triply.cc>, contributors Zazuko GmbH). Source:
https://github.com/rdfjs/Yasgui

MIT License

Copyright (c) Triply and the Yasgui contributors

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

The bundle includes the packages below; each one's licence file follows.
MIT
    for licence in $(cd "$work/node_modules" && find . -maxdepth 3 -iname 'licen[cs]e*' -type f | LC_ALL=C sort); do
        printf '\n======== %s\n\n' "${licence#./}"
        cat "$work/node_modules/$licence"
    done
} >"$target/LICENSES.txt"
echo "vendored @zazuko/yasgui $VERSION into $target"
