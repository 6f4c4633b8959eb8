#!/usr/bin/env bash
# Runs every test. The interop and browser tests need real third-party peers from Debian; this installs them
# when it can (root, or sudo without a password) and otherwise names them and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

# program:package pairs the tests run.
needs=(
  nc:netcat-openbsd
  socat:socat
  openssl:openssl
  unshare:util-linux
  nsenter:util-linux
  ss:iproute2
  python3:python3
  chromium:chromium
  chromedriver:chromium-driver
  Xvfb:xvfb
  dbus-run-session:dbus-daemon
  microsocks:microsocks
  tinyproxy:tinyproxy
)
# Files that belong to packages without a program on PATH.
files=(
  /bin/kill:procps
  /bin/ip:iproute2
  /usr/lib/x86_64-linux-gnu/qt5/examples/network/fortuneserver/fortuneserver:qtbase5-examples
  /usr/lib/python3/dist-packages/PyQt5/QtNetwork.abi3.so:python3-pyqt5
  /usr/share/doc/pyqt5-examples/examples/ipc/localfortuneserver.py:pyqt5-examples
  /usr/libexec/at-spi-bus-launcher:at-spi2-core
  # The cluster tests start a throwaway PostgreSQL 15 (initdb + pg_ctl, which Debian keeps off PATH).
  /usr/lib/postgresql/15/bin/initdb:postgresql
  # The load-balancer test runs docs/CLUSTER.md's HAProxy example (Debian keeps haproxy in /usr/sbin).
  /usr/sbin/haproxy:haproxy
  /usr/lib/python3/dist-packages/pyatspi/__init__.py:python3-pyatspi
)

missing=()
for pair in "${needs[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
for pair in "${files[@]}"; do
  [ -e "${pair%%:*}" ] || missing+=("${pair#*:}")
done

if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "The tests need these Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing test peers: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet test Switchboard.sln -c Release "$@"

# The fuzzer (bench/Switchboard.Fuzz) runs for minutes by hand (docs/SECURITY.md, "Fuzzing"); CI only checks that it
# still runs and finds nothing in a short pass: 2,000 inputs per reader, the same seed every time.
dotnet run --project bench/Switchboard.Fuzz -c Release -- --seed 1 --iterations 2000 --time 60
