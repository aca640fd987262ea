#!/usr/bin/env bash
# Installs what building and testing the gateway needs on Debian 12, and nothing when it is already there:
# curl, lftp, vsftpd and python3-requests (real clients, a third-party server and the seed's client library
# for the tests), litmus, cadaver and rclone (WebDAV clients for the tests), chromium and its driver (the web
# page's tests), iproute2 (network namespaces for deploy/netns-demo.sh), and MPJ Express.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(curl lftp vsftpd openssl python3-requests iproute2 litmus cadaver rclone chromium chromium-driver nodejs)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: please install: ${missing[*]} (apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts vsftpd on port 21 when it is installed; the tests run their own instances.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet vsftpd 2>/dev/null; then
  systemctl stop vsftpd || true
fi
# the Node example client (clients/node) runs in the tests: Debian's npm is its own package, NodeSource's nodejs has it
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
if [ ! -d clients/node/node_modules/@vertx/eventbus-bridge-client.js ]; then
  npm ci --prefix clients/node --no-audit --no-fund --loglevel=error
fi
if [ -x deploy/setup-mpj.sh ]; then
  deploy/setup-mpj.sh
fi
