#!/usr/bin/env bash
# Install gkreport into .venv and open the public site on the bundled sample reports
# (the first run ingests them into gkreport.db), at http://127.0.0.1:8001/
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
exec .venv/bin/gkreport serve --db gkreport.db "$@"
