#!/usr/bin/env bash
# Vendor the browser assets folium's maps need into static/vendor/, so that a
# map draws on an intranet with no internet at all.
#
# folium.Map loads Leaflet, jQuery, Bootstrap, Leaflet.awesome-markers and
# Font-Awesome from public CDNs, and streamlit-folium's frontend waits for every
# one of them: offline, no map draws.  lib/maps.py points a map at the copies
# made here, which Streamlit serves at /app/static/vendor/... when
# server.enableStaticServing = true.
#
# The files are committed, so a fresh clone, CI and the intranet server need no
# network for them.  Run this only to change a version: it needs the npm client
# and its configured registry (`npm pack` checks each tarball's integrity).
#
#   scripts/vendor_static.sh            # rewrites static/vendor/
#
# Only what a map uses is kept (minified js/css, the images the css refers to,
# Font-Awesome's woff2 fonts) plus each package's licence; the files are copied
# byte for byte, and SHA256SUMS records them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/static/vendor"

LEAFLET=1.9.4
JQUERY=3.7.1
BOOTSTRAP=5.2.2
AWESOME_MARKERS=2.0.5
FONTAWESOME=6.2.0

command -v npm >/dev/null || { echo "vendor_static.sh: npm is needed (Node.js)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch <spec> <dir>: npm pack the package and unpack it into $WORK/<dir>
fetch() {
    local spec="$1" dir="$2" tgz
    tgz="$(cd "$WORK" && npm pack --silent "$spec" | tail -n 1)"
    mkdir -p "$WORK/$dir"
    tar -xzf "$WORK/$tgz" -C "$WORK/$dir" --strip-components=1
}

# put <dir> <src relative to the package> <dest relative to static/vendor/<dir>>
put() {
    local dir="$1" src="$2" dst="$3"
    mkdir -p "$(dirname "$DEST/$dir/$dst")"
    cp "$WORK/$dir/$src" "$DEST/$dir/$dst"
}

license_of() { node -e "const p=require(process.argv[1]);console.log(p.license||'')" "$WORK/$1/package.json"; }

fetch "leaflet@$LEAFLET" leaflet
fetch "jquery@$JQUERY" jquery
fetch "bootstrap@$BOOTSTRAP" bootstrap
fetch "leaflet.awesome-markers@$AWESOME_MARKERS" leaflet.awesome-markers
fetch "@fortawesome/fontawesome-free@$FONTAWESOME" fontawesome-free

rm -rf "$DEST"
mkdir -p "$DEST"

put leaflet dist/leaflet.js leaflet.js
put leaflet dist/leaflet.css leaflet.css
for img in layers.png layers-2x.png marker-icon.png marker-icon-2x.png marker-shadow.png; do
    put leaflet "dist/images/$img" "images/$img"
done
put leaflet LICENSE LICENSE

put jquery dist/jquery.min.js jquery.min.js
put jquery LICENSE.txt LICENSE.txt

put bootstrap dist/js/bootstrap.bundle.min.js js/bootstrap.bundle.min.js
put bootstrap dist/css/bootstrap.min.css css/bootstrap.min.css
put bootstrap LICENSE LICENSE

put leaflet.awesome-markers dist/leaflet.awesome-markers.js leaflet.awesome-markers.js
put leaflet.awesome-markers dist/leaflet.awesome-markers.css leaflet.awesome-markers.css
for img in markers-soft.png markers-soft@2x.png markers-shadow.png markers-shadow@2x.png; do
    put leaflet.awesome-markers "dist/images/$img" "images/$img"
done
put leaflet.awesome-markers LICENSE LICENSE

put fontawesome-free css/all.min.css css/all.min.css
# all.min.css lists woff2 first; every browser Streamlit supports reads woff2,
# so the (larger) ttf fallbacks are left out.
for font in fa-brands-400 fa-regular-400 fa-solid-900 fa-v4compatibility; do
    put fontawesome-free "webfonts/$font.woff2" "webfonts/$font.woff2"
done
put fontawesome-free LICENSE.txt LICENSE.txt

(cd "$DEST" && find . -type f ! -name SHA256SUMS ! -name README.md | LC_ALL=C sort | sed 's|^\./||' \
    | xargs sha256sum > SHA256SUMS)

total="$(du -sh "$DEST" | cut -f1)"
cat > "$DEST/README.md" <<EOF
# Vendored browser assets (offline maps)

Written by \`scripts/vendor_static.sh\` (do not edit by hand; run the script to
change a version).  folium loads these from public CDNs by default; on the
intranet there is no internet, so \`lib/maps.py\` points every map at these
copies, which Streamlit serves at \`/app/static/vendor/...\`
(\`server.enableStaticServing = true\`, \`static/\` beside \`app.py\`).

Files are copied unchanged from each package's npm tarball (\`npm pack\`);
\`SHA256SUMS\` lists them.  Total size: $total.

| Directory | Package | Version | Licence (package.json) | Files kept |
|---|---|---|---|---|
| \`leaflet/\` | leaflet | $LEAFLET | $(license_of leaflet) | leaflet.js, leaflet.css, images/ |
| \`jquery/\` | jquery | $JQUERY | $(license_of jquery) | jquery.min.js |
| \`bootstrap/\` | bootstrap | $BOOTSTRAP | $(license_of bootstrap) | js/bootstrap.bundle.min.js, css/bootstrap.min.css |
| \`leaflet.awesome-markers/\` | leaflet.awesome-markers | $AWESOME_MARKERS | $(license_of leaflet.awesome-markers) (the LICENSE file's text is MIT) | leaflet.awesome-markers.js/.css, images/markers-soft*, markers-shadow* |
| \`fontawesome-free/\` | @fortawesome/fontawesome-free | $FONTAWESOME | $(license_of fontawesome-free) (icons CC BY 4.0, fonts SIL OFL 1.1, code MIT) | css/all.min.css, webfonts/*.woff2 |

Each directory keeps the package's own licence file.

Left out on purpose:

- folium's \`bootstrap-glyphicons.css\` (Bootstrap 3 glyph icons; nothing here
  uses them) and \`leaflet.awesome.rotate.min.css\` (only for rotated
  awesome-markers icons): \`lib/maps.py\` drops both links.
- Font-Awesome's \`.ttf\` fallbacks (every browser Streamlit supports reads
  woff2) and all source maps (the minified Bootstrap files still name theirs;
  a browser asks for them only while its developer tools are open).
- d3: branca colormaps pull d3 from a CDN, so \`lib/maps.py\` draws its own
  small HTML legend instead of using a branca colormap.
EOF

echo "static/vendor: $total"
