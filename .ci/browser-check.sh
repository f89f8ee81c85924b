#!/usr/bin/env bash
# Browser check of the board report: generate the hospital report, open it
# in headless Chromium (offline, no network services) and fail if the
# browser fails or the screenshot is missing or blank; then print it to PDF
# (A4) and fail if it takes more than 14 pages or its first page does not
# hold the recommendation.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${1:-target/release/drsim}"
chromium_bin="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium_bin" ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    chromium_bin="$(command -v chromium)"
fi
# pdfinfo and pdftotext, to read the printed report.
if ! command -v pdftotext >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null
fi

work="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'rm -rf "$work" "$profile"' EXIT

"$bin" report scenarios/hospital.yaml --trials 2000 --quiet -o "$work/report.html"
shot="$work/report.png"

"$chromium_bin" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --user-data-dir="$profile" \
    --screenshot="$shot" --window-size=1280,4000 \
    "file://$work/report.html"

python3 - "$shot" <<'PY'
# Decodes the PNG with zlib alone (no PIL) and checks it is not blank.
import struct, sys, zlib

path = sys.argv[1]
try:
    data = open(path, "rb").read()
except OSError:
    sys.exit(f"browser check: no screenshot at {path}")
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("browser check: the screenshot is not a PNG")
pos, idat, width, height = 8, b"", 0, 0
while pos < len(data):
    (length,) = struct.unpack(">I", data[pos:pos + 4])
    kind = data[pos + 4:pos + 8]
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        if depth != 8 or colour not in (2, 6):
            sys.exit(f"browser check: unexpected PNG format (depth {depth}, colour {colour})")
        channels = 3 if colour == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * channels
prev = bytearray(stride)
colours, dark, total = set(), 0, 0
for y in range(height):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - channels] if i >= channels else 0
        b = prev[i]
        c = prev[i - channels] if i >= channels else 0
        if f == 1:
            line[i] = (line[i] + a) & 255
        elif f == 2:
            line[i] = (line[i] + b) & 255
        elif f == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 4 == 0:
        for x in range(0, width, 4):
            px = tuple(line[x * channels:x * channels + 3])
            colours.add(px)
            total += 1
            if sum(px) < 200:
                dark += 1
print(f"browser check: {width}x{height} screenshot, {len(colours)} colours, {100 * dark / max(total, 1):.2f}% dark pixels")
if len(colours) < 50 or dark == 0:
    sys.exit("browser check: the screenshot is blank")
PY

# Printed on A4: at most 14 pages, the recommendation on the first.
pdf="$work/report.pdf"
"$chromium_bin" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-first-run --user-data-dir="$profile" \
    --no-pdf-header-footer --print-to-pdf="$pdf" \
    "file://$work/report.html"
pages="$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"
echo "browser check: the report prints on $pages A4 pages"
if [ -z "$pages" ] || [ "$pages" -gt 14 ]; then
    echo "browser check: the printed report takes ${pages:-no} pages, more than 14" >&2
    exit 1
fi
first="$(pdftotext -f 1 -l 1 "$pdf" -)"
for words in "Summary for the board" "Recommendation:"; do
    if ! grep -q "$words" <<<"$first"; then
        echo "browser check: the first printed page lacks \"$words\"" >&2
        exit 1
    fi
done
if ! pdfinfo "$pdf" | grep -q "Page size:.*(A4)"; then
    echo "browser check: the report is not printed on A4" >&2
    pdfinfo "$pdf" >&2
    exit 1
fi
