#!/usr/bin/env bash
# Installs the system packages vanban needs on Debian/Ubuntu: the Tesseract library with the
# Vietnamese and English models (OCR), poppler's pdftoppm (PDF pages lopdf cannot decode), and
# pkg-config to find them; for the export tests, xmllint (ALTO schema validation); and Python
# with venv for hocr-check and the Python package's tests; for the scripts that render test pages
# (scripts/gen-ocr-pairs, scripts/gen-scan-fixtures through scripts/render_scan.py), Pillow and
# fonts with Vietnamese glyphs. Idempotent: does nothing when everything is already there.
set -euo pipefail

packages=(
  pkg-config
  libtesseract-dev
  libleptonica-dev
  tesseract-ocr
  tesseract-ocr-vie
  tesseract-ocr-eng
  poppler-utils
  xz-utils
  libxml2-utils
  python3-venv
  python3-pil
  fonts-dejavu-core
  fonts-freefont-ttf
  fonts-noto-core
  fonts-liberation2
)

# The Python package's tests (scripts/test-python) make a virtual environment.
if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  packages+=(python3 python3-venv)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install a Rust toolchain (1.88 or newer, e.g. with rustup) and rerun" >&2
  exit 2
fi
