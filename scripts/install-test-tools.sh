#!/usr/bin/env bash
# The system packages the test suite needs, for the README's test command: Debian's Chromium (the
# browser tests) and Virtuoso (tests against a second SPARQL server), installed when it can be
# (root or passwordless sudo). It says in one line what it could not install; those tests are then
# skipped (and fail under CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium, for tests/server/test_browser.py. Without root or passwordless sudo it cannot be
# installed: say so in one line; the browser tests are then skipped (and fail under CI=true).
install_chromium() {
    if [ -x /usr/bin/chromium ]; then
        return 0
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        else
            echo "chromium: not installed, and installing it needs root or passwordless sudo: the browser tests will be skipped"
            return 0
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "chromium: not installed, and this is not a Debian system (no apt-get): the browser tests will be skipped"
        return 0
    fi
    echo "chromium: installing Debian's package (apt-get install chromium)"
    if ! { $sudo apt-get update -qq &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
        echo "chromium: apt-get install failed: the browser tests will be skipped"
    fi
}

install_chromium
# Debian's Virtuoso, for tests/test_virtuoso.py (never started as a system service); the script
# says in one line when it cannot install it, and those tests are then skipped (or fail under CI).
bash scripts/install-virtuoso.sh || echo "virtuoso: could not be installed: the Virtuoso tests will be skipped"
