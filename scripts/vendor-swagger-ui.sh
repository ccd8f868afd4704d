#!/usr/bin/env bash
# Copy Swagger UI (npm: swagger-ui-dist, pinned) into the package's static files, for the offline
# interactive API docs at /docs: src/xpo1kg/server/static/vendor/swagger-ui/ gets the bundle, its
# style sheet, a favicon, VERSION, LICENSE and NOTICE. Needs npm (the npm registry).
set -euo pipefail
VERSION="5.35.0"
cd "$(dirname "$0")/.."
target="src/xpo1kg/server/static/vendor/swagger-ui"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "swagger-ui-dist@$VERSION" >/dev/null && tar xzf ./*.tgz)
package="$work/package"
rm -rf "$target" && mkdir -p "$target"
sed -e '/^\/\/# sourceMappingURL=/d' "$package/swagger-ui-bundle.js" >"$target/swagger-ui-bundle.js"
sed -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$package/swagger-ui.css" >"$target/swagger-ui.css"
cp "$package/favicon-32x32.png" "$package/LICENSE" "$package/NOTICE" "$target/"
cp "$package/swagger-ui-bundle.js.LICENSE.txt" "$target/THIRD-PARTY-LICENSES.txt"
echo "swagger-ui-dist $VERSION" >"$target/VERSION"
echo "vendored swagger-ui-dist $VERSION into $target"
