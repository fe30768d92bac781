#!/usr/bin/env bash
# Installs the Debian 12 packages BlockDB needs, skipping the work when every package is already
# present. Run as root (or with sudo available).
#
# Usage: install-deps.sh [--build | --runtime | --all] [--list]
#   --all      (default) everything to build, test and benchmark: the build group, the test and
#              benchmark group, and node-postgres for tests/clients/node. `make` targets use this.
#   --build    only what building blockdb-server and blockdb-cli needs (the container image's
#              build stage, deploy/docker/Dockerfile).
#   --runtime  only the shared libraries (and time zone data) the two binaries load, for a
#              machine or image that runs them without building (the image's final stage).
#   --list     print the selected packages, one per line, and install nothing.
# tests/deploy/deploy_test.py checks that the runtime group covers every library the built
# binaries link.
set -euo pipefail

# Compilers, code generation (the ANTLR tool runs on a JRE) and the -dev packages of every library
# blockdb-server and blockdb-cli link.
build_packages=(
  cmake ninja-build g++ pkg-config ccache make
  uuid-dev default-jre-headless antlr4 libantlr4-runtime-dev
  libboost-dev libssl-dev libspdlog-dev doctest-dev libcxxopts-dev libtomlplusplus-dev
  liblz4-dev libhowardhinnant-date-dev tzdata libpq-dev
)
# The libraries behind those -dev packages, as the binaries load them (libpq5 for blockdb-cli),
# and the tz database that named time zones read at run time.
runtime_packages=(
  libantlr4-runtime4.9 libdate-tz3 libfmt9 liblz4-1 libspdlog1.10 libssl3 libtomlplusplus3
  libpq5 tzdata
)
# Tests and benchmarks: libpqxx, the baselines (PostgreSQL 15, RocksDB), the real clients (psql,
# pgbench, psycopg, SQLAlchemy, pgjdbc), YAML for the deployment manifests' test, clang for the
# fuzz targets.
test_packages=(
  libpqxx-dev libbenchmark-dev librocksdb-dev
  postgresql-15 postgresql-client-15
  python3-psycopg2 python3-psycopg python3-sqlalchemy python3-yaml
  libpostgresql-jdbc-java openjdk-17-jdk-headless
  clang libclang-rt-14-dev
)

group=all
list_only=0
for arg in "$@"; do
  case $arg in
    --all) group=all ;;
    --build) group=build ;;
    --runtime) group=runtime ;;
    --list) list_only=1 ;;
    *) sed -n '5,13p' "$0" >&2; exit 2 ;;
  esac
done

case $group in
  all) packages=("${build_packages[@]}" "${test_packages[@]}") ;;
  build) packages=("${build_packages[@]}") ;;
  runtime) packages=("${runtime_packages[@]}") ;;
esac

if [ "$list_only" -eq 1 ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$group" != all ]; then
  exit 0
fi

# node-postgres for tests/clients/node (the version pinned in its package.json; no lock file).
node_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/clients/node"
if [ ! -d "$node_dir/node_modules/pg" ]; then
  if ! command -v npm >/dev/null; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  echo "install-deps: npm install in tests/clients/node"
  (cd "$node_dir" && npm install --no-audit --no-fund --no-package-lock --silent)
fi
