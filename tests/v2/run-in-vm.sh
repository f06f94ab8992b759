#!/usr/bin/env bash
# make check-v2: the runtime's cgroup and lifecycle suites on a pure cgroup v2
# kernel, inside a throwaway qemu VM.
#
#   BUILD=build bash tests/v2/run-in-vm.sh
#   V2_SUITES="tests/runtime/cgroups.bats" bash tests/v2/run-in-vm.sh
#
# The guest runs Debian's own kernel (the linux-image-amd64 package, fetched
# with apt-get download and unpacked into /var/cache/mocker-v2vm, never
# installed) booted with cgroup v1 disabled.  A tiny busybox initramfs mounts
# the host's / read-only over virtio-9p under a tmpfs overlay (same tools and
# libraries as here), this repository read-write at the same path, cgroup2
# with every controller enabled, tmpfs on /tmp /run /var/tmp /var/lib/mocker
# (state dirs and overlay upper dirs must not sit on the overlay root or 9p),
# and runs tests/run-suites.sh on V2_SUITES from a leaf cgroup, as a login
# shell would sit under systemd.  TAP lands in $BUILD/test-logs/v2/, the exit
# status is the suites'.
#
# Environment: V2_SUITES (bats files, default below), V2_MEM (default 1536M),
# V2_CPUS (2), V2_TIMEOUT (seconds for the whole VM, default 900),
# V2_TEST_TIMEOUT (seconds per bats test, default 120), V2_ACCEL (tcg; kvm where
# it works — not on this machine), V2_CACHE (/var/cache/mocker-v2vm).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
BUILD=${BUILD:-build}
SUITES=${V2_SUITES:-tests/runtime/cgroups.bats tests/runtime/devices.bats tests/runtime/lifecycle.bats tests/runtime/manage.bats}
MEM=${V2_MEM:-1536M}
CPUS=${V2_CPUS:-2}
TIMEOUT=${V2_TIMEOUT:-900}
ACCEL=${V2_ACCEL:-tcg}
CACHE=${V2_CACHE:-/var/cache/mocker-v2vm}

say() { echo "check-v2: $*" >&2; }
die() { say "$*"; exit 2; }

[ "$(id -u)" = 0 ] || die "needs root"
case $top in *[[:space:],]*) die "the repository path must not contain spaces or commas: $top" ;; esac
[ -x "$BUILD/bin/mocker-runtime" ] || die "$BUILD/bin/mocker-runtime is missing: run make first"
for t in qemu-system-x86_64 busybox depmod modprobe xz; do
  command -v "$t" >/dev/null || die "$t is missing (make deps installs qemu-system-x86, busybox-static, kmod, xz-utils)"
done
# The initramfs has no libraries: its busybox must be the static one.
if ldd "$(command -v busybox)" >/dev/null 2>&1; then
  die "$(command -v busybox) is dynamically linked: install busybox-static"
fi

# ---- kernel: unpacked once into the cache -----------------------------------
mkdir -p "$CACHE"
exec {lockfd}>"$CACHE/lock"
flock "$lockfd"   # concurrent runs share one cache
if [ ! -e "$CACHE/kernel/ready" ]; then
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
  [ -n "$pkg" ] || die "cannot tell which kernel package linux-image-amd64 depends on (apt-get update?)"
  say "fetching $pkg into $CACHE (once)"
  work=$(mktemp -d "$CACHE/fetch.XXXXXX")
  (cd "$work" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >&2) || { rm -rf "$work"; die "apt-get download $pkg failed"; }
  dpkg-deb -x "$work"/*.deb "$work/root"
  kver=$(ls "$work/root/lib/modules")
  depmod -b "$work/root" "$kver"
  # qemu boots an uncompressed vmlinux through its PVH entry point faster
  # than a bzImage (no emulated decompression); the xz payload starts at
  # the xz magic inside vmlinuz.
  vmlinuz=$work/root/boot/vmlinuz-$kver
  offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n1 | cut -d: -f1)
  if [ -n "$offset" ] && tail -c +"$((offset + 1))" "$vmlinuz" | xz -dc --single-stream > "$work/vmlinux" 2>/dev/null; then
    kernel_file=vmlinux
  else
    kernel_file=vmlinuz   # fall back to the bzImage
    cp "$vmlinuz" "$work/vmlinuz"
  fi
  rm -rf "$CACHE/kernel"
  mkdir "$CACHE/kernel"
  mv "$work/root/lib/modules/$kver" "$CACHE/kernel/modules"
  mv "$work/$kernel_file" "$CACHE/kernel/$kernel_file"
  echo "$kver" > "$CACHE/kernel/version"
  echo "$kernel_file" > "$CACHE/kernel/ready"
  rm -rf "$work"
fi
KDIR=$CACHE/kernel
KVER=$(cat "$KDIR/version")
KERNEL=$KDIR/$(cat "$KDIR/ready")

# ---- initramfs: busybox + the modules that reach the root file system ---------
# modprobe wants <dir>/lib/modules/<kver>: give it that shape with a symlink.
mkdir -p "$KDIR/tree/lib/modules"
ln -sfn ../../../modules "$KDIR/tree/lib/modules/$KVER"
mods=$(modprobe -d "$KDIR/tree" -S "$KVER" --show-depends -a virtio_pci 9pnet_virtio 9p overlay |
         awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
INITRD=$KDIR/initrd.cpio
if [ ! -e "$INITRD" ] || [ tests/v2/init -nt "$INITRD" ]; then
  stage=$(mktemp -d)
  mkdir -p "$stage"/{bin,dev,proc,sys,mnt/host,mnt/upper,newroot,modules}
  cp "$(command -v busybox)" "$stage/bin/busybox"
  for m in $mods; do
    cp "$m" "$stage/modules/"
    basename "$m" >> "$stage/modules/order"
  done
  cp tests/v2/init "$stage/init"
  chmod 755 "$stage/init"
  (cd "$stage" && find . | busybox cpio -o -H newc 2>/dev/null) > "$INITRD.tmp"
  mv "$INITRD.tmp" "$INITRD"
  rm -rf "$stage"
fi
exec {lockfd}>&-

# ---- the job: what the guest runs, and where its results come back ------------
job=$top/$BUILD/v2vm
rm -rf "$job"
mkdir -p "$job"
{
  printf 'BUILD=%q\n' "$BUILD"
  printf 'SUITES=%q\n' "$SUITES"
  printf 'KVER=%q\n' "$KVER"
  printf 'BATS_TEST_TIMEOUT=%q\n' "${V2_TEST_TIMEOUT:-120}"
} > "$job/env"
# One file crosses 9p much faster than the many small files of a rootfs.
[ -d bundles ] && tar -C bundles -cf "$job/bundles.tar" .
logs=$top/$BUILD/test-logs/v2
rm -rf "$logs"
mkdir -p "$logs"

append="console=ttyS1 quiet panic=-1 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1"
append+=" mocker.share=$top mocker.modules=$KDIR/modules mocker.job=$job"
qemu=(qemu-system-x86_64 -nodefaults -no-user-config -no-reboot -display none -M pc
      -m "$MEM" -smp "$CPUS" -kernel "$KERNEL" -initrd "$INITRD" -append "$append"
      -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
      -virtfs "local,path=$top,mount_tag=share,security_model=passthrough,multidevs=remap"
      -serial stdio -serial "file:$job/console.log")
case $ACCEL in
  kvm) qemu+=(-accel kvm -cpu host) ;;
  tcg) qemu+=(-accel tcg -cpu max) ;;
  *) die "V2_ACCEL must be tcg or kvm" ;;
esac

say "booting $KVER ($ACCEL) for: $SUITES"
start=$SECONDS
qrc=0
timeout --foreground "$TIMEOUT" "${qemu[@]}" < /dev/null | sed -u 's/\r$//' | tee "$job/output.log" || qrc=${PIPESTATUS[0]}
elapsed=$((SECONDS - start))

if [ ! -s "$job/exit-code" ]; then
  tail -n 30 "$job/console.log" >&2 || true
  [ "$qrc" = 124 ] && die "the VM did not finish within ${TIMEOUT}s"
  die "the VM stopped before the suites finished (qemu status $qrc)"
fi
rc=$(cat "$job/exit-code")
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$job/output.log" | tail -n1 || true)
say "${summary:-no summary line} (cgroup v2, kernel $KVER, ${elapsed}s, exit $rc; TAP in $BUILD/test-logs/v2)"
exit "$rc"
