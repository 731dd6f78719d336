#!/usr/bin/env bash
# Installs the system packages lawfit's GPU and browser tests need on a Debian bookworm machine:
# Mesa's software Vulkan driver (lavapipe) from bookworm-backports, so Dawn's Node bindings find
# a real WebGPU adapter on a machine with no GPU, and Debian's Chromium (WebGPU on SwiftShader)
# for the headless browser test; Playwright drives it and never downloads a browser.
# Idempotent; safe to run twice.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "install-system: needs root (apt-get)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive

src=/etc/apt/sources.list.d/debian.sources
if [ -f "$src" ] && ! grep -q 'bookworm-backports' "$src"; then
  sed -i 's/^Suites: bookworm bookworm-updates$/& bookworm-backports/' "$src"
fi

need_mesa=0
if ! dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 \
   || [ "$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | cut -d. -f1)" -lt 24 ]; then
  need_mesa=1   # stock bookworm Mesa (22.x) gives Dawn no adapter; backports' 25.x does
fi
need_chromium=0
command -v chromium >/dev/null 2>&1 || need_chromium=1
need_xz=0
command -v xz >/dev/null 2>&1 || need_xz=1   # npm run device:bundle compresses Node and Dawn with xz

if [ "$need_mesa" = 1 ] || [ "$need_chromium" = 1 ] || [ "$need_xz" = 1 ]; then
  apt-get update -qq
fi
if [ "$need_xz" = 1 ]; then
  apt-get install -y -qq xz-utils >/dev/null
fi
if [ "$need_mesa" = 1 ]; then
  apt-get install -y -qq libvulkan1 >/dev/null
  apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
fi
if [ "$need_chromium" = 1 ]; then
  apt-get install -y -qq chromium >/dev/null
fi
echo "install-system: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers); $(chromium --version 2>/dev/null)"
