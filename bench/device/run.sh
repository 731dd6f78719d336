#!/usr/bin/env bash
# lawfit's device benchmark on a bare x86-64 machine: unpacks the bundle that `npm run device:bundle`
# made (Node, Dawn, the bundled benchmark, the Vulkan loader, the Epoch data) into a temporary folder,
# installs the Vulkan loader only if the system has none, checks the adapter, and runs
# bench/device/bench.ts under a wall-time budget, writing JSON and markdown to $OUT.
#
#   bash run.sh [--quick] [--budget SECONDS] [path/to/lawfit-device.tar]
#
# The bundle defaults to lawfit-device.tar beside this script, else .device/lawfit-device.tar under
# the current folder. OUT defaults to ./device-out. Budget: 420 s of benchmark (the script then ends
# within ~8 minutes, unpacking included); --quick runs small sizes (for lavapipe and the test).
# LAWFIT_DEVICE_LOADER=carried uses the carried loader through LD_LIBRARY_PATH even where the system
# has one (the test proves the carried loader works that way); nothing is installed into / then.
#
# Files in $OUT: adapter.json (the probe), device-bench.json, device-bench.md, device-bench.log.
# Exit status: the benchmark's (0: all ran and parity held; 3: no adapter; 4: a parity check failed).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bundle=""
args=()
for a in "$@"; do
  case "$a" in
    *.tar) bundle=$a ;;
    *) args+=("$a") ;;
  esac
done
if [ -z "$bundle" ]; then
  for c in "$here/lawfit-device.tar" "$PWD/.device/lawfit-device.tar"; do
    if [ -f "$c" ]; then bundle=$c; break; fi
  done
fi
if [ -z "$bundle" ] || [ ! -f "$bundle" ]; then
  echo "run.sh: no bundle (lawfit-device.tar) beside the script or in .device/; make one with npm run device:bundle" >&2
  exit 2
fi
bundle=$(cd "$(dirname "$bundle")" && pwd)/$(basename "$bundle")
OUT=${OUT:-$PWD/device-out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/lawfit-device.XXXXXX")
trap 'rm -rf "$work"' EXIT
t0=$(date +%s)
say() { echo "run.sh [$(( $(date +%s) - t0 )) s]: $*" >&2; }

tar -xf "$bundle" -C "$work" || { echo "run.sh: could not unpack $bundle" >&2; exit 2; }
unxz_to() { # xz where installed, else Python's lzma (the GPU image has python3)
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"), 1 << 20)' "$1" "$2"; fi
}
unxz_to "$work/node.xz" "$work/node" && chmod +x "$work/node"
mkdir -p "$work/dist/linux-x64"   # where the webgpu package's loader (bundled in bench.js) looks for Dawn
unxz_to "$work/dawn.node.xz" "$work/dist/linux-x64/dawn.node"
rm -f "$work/node.xz" "$work/dawn.node.xz"
node=$work/node
say "unpacked $(basename "$bundle") into $work: node $("$node" --version), $(grep -o '"commit": "[0-9a-f]*"' "$work/manifest.json")"

# The Vulkan loader: the system's if ldconfig knows one; else the carried .deb, unpacked into / as
# root (as the device README does), or into the work folder with LD_LIBRARY_PATH otherwise.
deb=$(ls "$work"/libvulkan1_*.deb 2>/dev/null | head -1)
carried_loader() {
  mkdir -p "$work/vulkan"
  if command -v dpkg >/dev/null 2>&1; then dpkg -x "$deb" "$work/vulkan"
  else (cd "$work/vulkan" && ar x "$deb" && tar -xf data.tar.*); fi
  export LD_LIBRARY_PATH="$work/vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
}
if [ "${LAWFIT_DEVICE_LOADER:-}" = carried ]; then
  carried_loader
  say "Vulkan loader: carried ($(basename "$deb")), through LD_LIBRARY_PATH"
elif ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  say "Vulkan loader: the system's ($(ldconfig -p | grep -m1 'libvulkan\.so\.1' | sed 's/.*=> //'))"
elif [ "$(id -u)" = 0 ] && command -v dpkg >/dev/null 2>&1; then
  dpkg -x "$deb" / && ldconfig
  export LAWFIT_DEVICE_LOADER=installed
  say "Vulkan loader: none on the system; installed the carried $(basename "$deb") into /"
else
  carried_loader
  export LAWFIT_DEVICE_LOADER=carried
  say "Vulkan loader: none on the system; the carried one through LD_LIBRARY_PATH"
fi

# The adapter. If Vulkan finds no hardware driver but the NVIDIA driver's manifest is mounted where
# the device README says, point the loader at it and look again.
probe() { "$node" "$work/bench.js" --probe >"$OUT/adapter.json" 2>"$OUT/adapter.log"; }
hardware() { grep -q '"found": true' "$OUT/adapter.json" && ! grep -qiE '"(architecture|device|description)": "[^"]*(llvmpipe|lavapipe|swiftshader|software)' "$OUT/adapter.json"; }
probe
# dawn.node needs GCC 12's C++ runtime (GLIBCXX_3.4.30); an older system one gets the carried copy.
if grep -q 'GLIBCXX' "$OUT/adapter.log" "$OUT/adapter.json" 2>/dev/null; then
  mkdir -p "$work/lib" && unxz_to "$work/libstdc++.so.6.xz" "$work/lib/libstdc++.so.6"
  export LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  say "the system's libstdc++ is too old for Dawn; using the carried one"
  probe
fi
nv=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if ! hardware && [ -f "$nv" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then
  say "no hardware adapter with the default driver search; trying VK_DRIVER_FILES=$nv"
  export VK_DRIVER_FILES=$nv __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  probe
fi
if ! grep -q '"found": true' "$OUT/adapter.json"; then
  say "no WebGPU adapter:"; cat "$OUT/adapter.json" "$OUT/adapter.log" >&2
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >&2
  exit 3
fi
say "adapter: $(tr -d '\n' <"$OUT/adapter.json" | grep -o '"info": {[^}]*}')"
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.draw --format=csv >"$OUT/nvidia-smi.csv" 2>&1

say "benchmark: ${args[*]:-full sizes}"
"$node" "$work/bench.js" --out "$OUT" --data "$work/data/chinchilla_epoch_245.csv" "${args[@]}" 2>&1 | tee "$OUT/device-bench.log"
rc=${PIPESTATUS[0]}
say "done (exit $rc); results in $OUT"
exit "$rc"
