#!/usr/bin/env bash
# Install Debian's Virtuoso (virtuoso-opensource) for tests/test_virtuoso.py, without running it
# as a service: the tests start their own server with a throwaway database on free ports.
# Idempotent; needs root or sudo. Usage: scripts/install-virtuoso.sh
set -euo pipefail
if command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null; then
    exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# Keep the package's init script from starting the system-wide server during the install.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    trap '$sudo rm -f "$policy"' EXIT
fi
# The package asks for the dba password of its own database (unused by the tests): accept the
# default without a question.
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    virtuoso-opensource
# Should a service have been started anyway, stop it and keep it from starting at boot.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now virtuoso-opensource-7 >/dev/null 2>&1 || true
elif [ -x /etc/init.d/virtuoso-opensource-7 ]; then
    $sudo /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true
    $sudo update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true
fi
command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null
