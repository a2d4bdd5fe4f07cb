#!/usr/bin/env bash
# Install fastnlp with its test extras (spaCy 3.8 for interop tests) and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[test]"
# The displacy browser test needs headless Chromium; install it where we can (root with
# apt-get, as on CI). Elsewhere, or if apt fails, the test skips itself.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
        && [ "$(id -u)" = "0" ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
        >/dev/null 2>&1 || echo "chromium not installed; the displacy browser test will skip" >&2
fi
python -m pytest -q tests "$@"
