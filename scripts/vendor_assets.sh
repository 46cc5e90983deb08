#!/usr/bin/env bash
# Vendor front-end assets into static/vendor/ from the npm registry.
#
# Each package is fetched with `npm pack <pkg>@<exact version>` into a
# temporary directory (npm checks the tarball against the registry's
# integrity hash), extracted there, and only the needed files are copied.
# Nothing is `npm install`ed and no node_modules is created in the repo.
#
# sourceMappingURL comments are stripped from the copied .js/.css files:
# the .map files are not shipped, and a dangling reference makes Django's
# ManifestStaticFilesStorage (used by whitenoise) fail in collectstatic.
#
# To upgrade: change a version below (pick it with e.g.
# `npm view 'bootstrap@5.3' version`), rerun, and commit static/vendor/.
set -euo pipefail

BOOTSTRAP_VERSION="5.3.9"
BOOTSTRAP_ICONS_VERSION="1.13.2"
HTMX_VERSION="2.0.11"
AXE_CORE_VERSION="4.14.1"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"

command -v npm >/dev/null || { echo "npm is required (apt-get install npm)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch NAME VERSION -> prints the directory holding the extracted package/
fetch() {
    local name="$1" version="$2" dir tgz
    dir="$WORK/$name-$version"
    mkdir -p "$dir"
    tgz="$(cd "$dir" && npm pack --silent --loglevel=error "$name@$version" | tail -n 1)"
    tar -xzf "$dir/$tgz" -C "$dir"
    # Double-check that npm gave us exactly the version we asked for.
    local got
    got="$(node -p 'require(process.argv[1]).version' "$dir/package/package.json")"
    if [[ "$got" != "$version" ]]; then
        echo "expected $name@$version, got $got" >&2
        exit 1
    fi
    echo "$dir/package"
}

# strip_maps FILE... : drop sourceMappingURL comments (whole lines, and any
# trailing /*# sourceMappingURL=... */ left on a code line).
strip_maps() {
    local f
    for f in "$@"; do
        sed -E -i \
            -e '/^[[:space:]]*(\/\/|\/\*)[#@][[:space:]]*sourceMappingURL=.*$/d' \
            -e 's#/\*[#@][[:space:]]*sourceMappingURL=[^*]*\*/##g' \
            "$f"
    done
}

# Start from a clean slate for the packages this script owns.
rm -rf "$VENDOR/bootstrap" "$VENDOR/bootstrap-icons" "$VENDOR/htmx" "$VENDOR/axe-core"
mkdir -p "$VENDOR"

# --- bootstrap ---------------------------------------------------------------
pkg="$(fetch bootstrap "$BOOTSTRAP_VERSION")"
dest="$VENDOR/bootstrap"
mkdir -p "$dest"
cp "$pkg/dist/css/bootstrap.min.css" "$pkg/dist/js/bootstrap.bundle.min.js" "$pkg/LICENSE" "$dest/"
strip_maps "$dest/bootstrap.min.css" "$dest/bootstrap.bundle.min.js"

# --- bootstrap-icons (css refers to fonts/ relative to itself) ---------------
pkg="$(fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION")"
dest="$VENDOR/bootstrap-icons"
mkdir -p "$dest/fonts"
cp "$pkg/font/bootstrap-icons.min.css" "$pkg/LICENSE" "$dest/"
cp "$pkg/font/fonts/"* "$dest/fonts/"
strip_maps "$dest/bootstrap-icons.min.css"

# --- htmx --------------------------------------------------------------------
pkg="$(fetch htmx.org "$HTMX_VERSION")"
dest="$VENDOR/htmx"
mkdir -p "$dest"
cp "$pkg/dist/htmx.min.js" "$pkg/LICENSE" "$dest/"
strip_maps "$dest/htmx.min.js"

# --- axe-core (browser accessibility tests) ----------------------------------
pkg="$(fetch axe-core "$AXE_CORE_VERSION")"
dest="$VENDOR/axe-core"
mkdir -p "$dest"
cp "$pkg/axe.min.js" "$pkg/LICENSE" "$dest/"
[[ -f "$pkg/LICENSE-3RD-PARTY.txt" ]] && cp "$pkg/LICENSE-3RD-PARTY.txt" "$dest/"
strip_maps "$dest/axe.min.js"

# --- record versions -----------------------------------------------------------
cat > "$VENDOR/VERSIONS.txt" <<EOF
bootstrap@$BOOTSTRAP_VERSION
bootstrap-icons@$BOOTSTRAP_ICONS_VERSION
htmx.org@$HTMX_VERSION
axe-core@$AXE_CORE_VERSION
EOF

# --- sanity checks -------------------------------------------------------------
if grep -rl 'sourceMappingURL' "$VENDOR" --include='*.js' --include='*.css'; then
    echo "sourceMappingURL references remain in the files above" >&2
    exit 1
fi
for u in $(grep -oE 'url\("?[^")?#]+' "$VENDOR/bootstrap-icons/bootstrap-icons.min.css" | sed -E 's/^url\("?//'); do
    [[ -f "$VENDOR/bootstrap-icons/$u" ]] || { echo "bootstrap-icons css refers to missing $u" >&2; exit 1; }
done

echo "Vendored into $VENDOR:"
cat "$VENDOR/VERSIONS.txt"
