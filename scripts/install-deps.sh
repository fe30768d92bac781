#!/usr/bin/env bash
# Installs the Debian 12 packages BlockDB needs to build, test and benchmark, skipping the work
# when every package is already present. Run as root (or with sudo available).
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config ccache make
  uuid-dev default-jre-headless antlr4 libantlr4-runtime-dev
  libboost-dev libssl-dev libspdlog-dev doctest-dev libcxxopts-dev libtomlplusplus-dev
  liblz4-dev libhowardhinnant-date-dev tzdata
  libpq-dev libpqxx-dev libbenchmark-dev librocksdb-dev
  postgresql-15 postgresql-client-15
  python3-psycopg2 python3-psycopg python3-sqlalchemy libpostgresql-jdbc-java openjdk-17-jdk-headless
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# node-postgres for tests/clients/node (the version pinned in its package.json; no lock file).
node_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/clients/node"
if [ ! -d "$node_dir/node_modules/pg" ]; then
  if ! command -v npm >/dev/null; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      sudo="sudo"
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  echo "install-deps: npm install in tests/clients/node"
  (cd "$node_dir" && npm install --no-audit --no-fund --no-package-lock --silent)
fi
