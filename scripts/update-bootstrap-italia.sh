#!/usr/bin/env bash
# Vendors the national design system, Bootstrap Italia 2.x (BSD-3-Clause), into
# assets/vendor/bootstrap-italia: its stylesheet, its icon sprite and the woff2 files of its
# fonts (SIL OFL / Apache-2.0), with their licences. The binary embeds that folder
# (src/web/assets.rs), so pages load nothing from any other host.
#
#   scripts/update-bootstrap-italia.sh [VERSION]      (default: the version in VERSION)
#
# Its JavaScript bundle is not vendored: the pages work without JavaScript, and the bundle
# alone (300 KB compressed) would exceed the first-visit budget.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=assets/vendor/bootstrap-italia
version="${1:-$(cat "$dest/VERSION" 2>/dev/null || echo 2.18.3)}"
case "$version" in 2.*) ;; *) echo "only Bootstrap Italia 2.x is supported (got $version)" >&2; exit 2;; esac
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetching bootstrap-italia@$version from the npm registry"
(cd "$work" && npm pack --silent "bootstrap-italia@$version" >/dev/null && tar xzf bootstrap-italia-*.tgz)
src="$work/package"
rm -rf "$dest"
mkdir -p "$dest/css" "$dest/svg" "$dest/fonts"
# The source map is not shipped: drop the comment that would make browsers ask for it. The
# video player's icon font (video.js, 7 KB of base64 inside the stylesheet, 6 KB of every
# first visit once compressed) goes too: the pages use the browser's own video controls.
sed -E -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
    -e 's#@font-face\{font-family:VideoJS;[^}]*\}##' \
    "$src/dist/css/bootstrap-italia.min.css" > "$dest/css/bootstrap-italia.min.css"
grep -q 'font-family:VideoJS;src' "$dest/css/bootstrap-italia.min.css" \
    && { echo "the video.js font is still in the stylesheet" >&2; exit 1; }
cp "$src/dist/svg/sprites.svg" "$dest/svg/sprites.svg"
cp "$src/LICENSE" "$dest/LICENSE"
for family in Titillium_Web Roboto_Mono Lora; do
    mkdir -p "$dest/fonts/$family"
    cp "$src/dist/fonts/$family/"*.woff2 "$dest/fonts/$family/"
    cp "$src/dist/fonts/$family/"*.txt "$dest/fonts/$family/"
done
echo "$version" > "$dest/VERSION"
echo "vendored bootstrap-italia $version into $dest:"
du -sh "$dest"/*
