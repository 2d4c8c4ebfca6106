#!/usr/bin/env bash
# Installs the system libraries Gatehouse builds against (Debian 12): libzmq3-dev, libsqlite3-dev,
# pkg-config, gcc for the plugin tests, and Debian's python3-zmq and python3-jsonschema for the
# event-stream subscriber (tools/subscriber, run with /usr/bin/python3). Does nothing when they are
# already present.
set -euo pipefail

missing=()
dpkg -s libzmq3-dev >/dev/null 2>&1 || missing+=(libzmq3-dev)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
dpkg -s pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
dpkg -s python3-zmq >/dev/null 2>&1 || missing+=(python3-zmq)
dpkg -s python3-jsonschema >/dev/null 2>&1 || missing+=(python3-jsonschema)

if [ ${#missing[@]} -gt 0 ]; then
    echo "tools/setup.sh: installing ${missing[*]}" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
