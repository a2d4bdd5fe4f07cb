#!/usr/bin/env bash
# Install fastnlp with its test extras (spaCy 3.8 for interop tests) and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[test]"
python -m pytest -q tests "$@"
