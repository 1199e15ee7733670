#!/usr/bin/env bash
# Install the system libraries the portal needs, when they are missing and we may:
# pango and harfbuzz-subset for WeasyPrint's PDFs, libmagic to check uploads, and (for `make test`) Debian's
# Chromium and npm (axe-core) for the browser tests, and nginx for the test of the production layout
# (two app servers and a worker behind it). Prints what to install by hand otherwise.
set -u
want_browser=${1:-}

missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
have_lib 'libmagic.so.1' || missing+=(libmagic1)
if [ "$want_browser" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi
if [ "$want_browser" = "--browser" ] && ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)   # axe-core for the accessibility check comes from the npm registry
fi
if [ "$want_browser" = "--browser" ] && [ ! -x /usr/sbin/nginx ]; then
  missing+=(nginx-light)   # run by the test under its own configuration, never as a service
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install with your package manager: ${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "Missing system packages (install them as root): sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
