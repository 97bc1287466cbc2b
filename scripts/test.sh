#!/usr/bin/env bash
# Install gkreport with its test dependencies into .venv and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages the tests use: a CJK font to render PDFs, catdoc to read .doc files, tesseract's
# Chinese model for --ocr, and Chromium for the browser tests (Playwright's own browser download is
# not reachable). Installed only when missing, and only where we may (CI runs as root).
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
command -v catdoc >/dev/null || need+=(catdoc)
{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx chi_sim; } ||
    need+=(tesseract-ocr tesseract-ocr-chi-sim)
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
if [ ${#need[@]} -gt 0 ] && can_install; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if ! command -v chromium >/dev/null && can_install; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
exec .venv/bin/python -m pytest "$@"
