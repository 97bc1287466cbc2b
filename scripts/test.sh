#!/usr/bin/env bash
# Install gkreport with its test dependencies into .venv and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages the tests use: a CJK font to render PDFs and scans, catdoc to read .doc files, and
# Chromium for the browser tests (Playwright's own browser download is not reachable). Installed only
# when missing, and only where we may (CI runs as root). The OCR's models come with the rapidocr wheel.
# The scanned-report tests OCR a few pages (about 3 minutes on 2 cores); GKREPORT_OCR_FULL=1 runs
# every peer PDF in every degradation (about 40 minutes).
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
command -v catdoc >/dev/null || need+=(catdoc)
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
# Two processes, each taking whole test modules (a module's fixtures are built once); the tables the
# measuring tests print are shown at the end (tests/conftest.py). GKREPORT_TEST_PROCESSES=0 runs in one.
exec .venv/bin/python -m pytest -n "${GKREPORT_TEST_PROCESSES:-2}" --dist loadscope "$@"
