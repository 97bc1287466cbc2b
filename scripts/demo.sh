#!/usr/bin/env bash
# Install gkreport into .venv and run the main job on the bundled sample reports.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
exec .venv/bin/gkreport ingest data/reports --db gkreport.db
