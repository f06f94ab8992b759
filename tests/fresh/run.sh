#!/usr/bin/env bash
# make check-fresh: the README's two commands on a pristine Debian 12.
#
# 1. A Debian 12 root made by `debootstrap --variant=minbase` with git, make and
#    ca-certificates (what the README assumes of a fresh machine), from the
#    machine's configured Debian mirror, is kept as a tarball in $MOCKER_FRESH_CACHE
#    (default /var/cache/mocker-fresh) and unpacked anew for every run.
# 2. The committed HEAD of this repository is cloned into it (/root/mocker).
# 3. In a private mount and PID namespace, the root gets /proc, /sys, /dev, a
#    tmpfs /run and the host's kernel modules (read-only), and becomes the root
#    with pivot_root: not chroot, since the kernel refuses user namespaces to a
#    chrooted process and the runtime's tests make them. The network namespace
#    is the machine's (apt-get and npm need it); the tests make their own.
# 4. There, the README's two commands run as written (tests/fresh/readme-commands.sh
#    reads them from README.md). It passes when the first exits 0 and the second
#    ends with "N passed, 0 failed".
#
# Ends with one line "N passed, N failed, N skipped": the fresh `make check`'s
# counts plus one for the main job. When the PID namespace's first process
# ends, the kernel kills everything left in it (daemons a test started); the
# mounts go with the mount namespace, and the unpacked root is removed.
#
# Environment: MOCKER_FRESH_CACHE (tarball and apt's downloaded .debs, kept
# between runs), FRESH_TIMEOUT (seconds for both commands, default 3000),
# FRESH_KEEP=1 keeps the unpacked root for a look after a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
suite=bookworm
cache=${MOCKER_FRESH_CACHE:-/var/cache/mocker-fresh}
tarball=$cache/$suite-minbase.tar.gz

die() { echo "check-fresh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, namespaces, mounts)"
for tool in debootstrap unshare pivot_root git; do
  command -v "$tool" > /dev/null || die "$tool not found (bash tests/deps.sh installs it)"
done

demo_cmd=$(bash tests/fresh/readme-commands.sh README.md demo)
check_cmd=$(bash tests/fresh/readme-commands.sh README.md check)

# The machine's Debian mirror: the first source for $suite in apt's lists.
debian_mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    uri=$(awk -v s="$suite" '
      /^[ \t]*$/ { if (u != "" && ok) { print u; exit } u = ""; ok = 0; next }
      /^URIs:/ { u = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) ok = 1 }
      END { if (u != "" && ok) print u }' "$f" | head -1)
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    uri=$(awk -v s="$suite" '$1 == "deb" { for (i = 2; i < NF; i++) if ($i !~ /^\[/ && $(i+1) == s) { print $i; exit } }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  echo http://deb.debian.org/debian
}

# The bootstrapped root, made once (under a lock, into a temp dir, published
# by rename, so a killed run never leaves a tarball that looks complete).
make_tarball() {
  mkdir -p "$cache"
  exec 9> "$cache/.lock"
  flock 9
  if [ -s "$tarball" ]; then exec 9>&-; return; fi
  local mirror tmp
  mirror=$(debian_mirror)
  tmp=$(mktemp -d "$cache/root.tmp.XXXXXX")
  echo "check-fresh: debootstrap --variant=minbase $suite from $mirror" >&2
  # In a mount namespace of its own: a debootstrap that fails half-way
  # cannot leave its /proc mount behind on the host.
  if ! unshare --mount --propagation private -- \
       debootstrap --variant=minbase --include=git,make,ca-certificates \
       "$suite" "$tmp" "$mirror" > "$cache/debootstrap.log" 2>&1; then
    tail -20 "$cache/debootstrap.log" >&2
    rm -rf --one-file-system "$tmp"
    die "debootstrap failed (log: $cache/debootstrap.log)"
  fi
  # apt's lists and .debs are not part of a fresh machine's image (its
  # partial/ directories, owned by _apt, are).
  find "$tmp/var/lib/apt/lists" "$tmp/var/cache/apt/archives" -maxdepth 1 -type f -delete
  chmod 755 "$tmp"   # mktemp made it 0700: it becomes /
  tar -C "$tmp" --numeric-owner -czf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf --one-file-system "$tmp"
  exec 9>&-
}

make_tarball

work=$(mktemp -d /var/tmp/mocker-fresh.XXXXXX)
root=$work/root
cleanup() {
  if [ "${FRESH_KEEP:-0}" = 1 ]; then
    echo "check-fresh: kept $root" >&2
  else
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT
mkdir "$root"
tar -C "$root" --numeric-owner -xzpf "$tarball"
chmod 755 "$root"   # / must be searchable by every uid (user namespaces' roots too)

# What any installed Debian has: its Debian sources (main, updates, security
# as this machine lists them) and a resolver.
if [ -e /etc/apt/sources.list.d/debian.sources ]; then
  cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
  : > "$root/etc/apt/sources.list"
fi
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# ...and the certificate authorities this machine trusts beyond Debian's
# bundle (a site's own CA, as a proxy in front of the npm registry needs):
# each certificate of the machine's bundle that the root's lacks becomes a
# local CA there, installed by update-ca-certificates before the commands run.
awk -v out="$root/usr/local/share/ca-certificates" '
  /-----BEGIN CERTIFICATE-----/ { c = "" }
  { c = c $0 "\n" }
  /-----END CERTIFICATE-----/ {
    if (NR == FNR) { known[c] = 1; next }
    if (!(c in known)) { f = out "/machine-" ++n ".crt"; printf "%s", c > f; close(f) }
  }' "$root/etc/ssl/certs/ca-certificates.crt" /etc/ssl/certs/ca-certificates.crt
# No init system runs here: package scripts must not start daemons (the
# usual policy for a root that is not booted).
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

git clone -q "$top" "$root/root/mocker"
rev=$(git -C "$root/root/mocker" rev-parse --short HEAD)
mkdir -p "$cache/apt-archives/partial" "$root/lib/modules" "$root/root/fresh"
echo "check-fresh: $(basename "$tarball") + mocker $rev; running the README's commands:" >&2
printf '  %s\n' "$demo_cmd" "$check_cmd" >&2

# Runs as the first process of a new PID namespace, in a private mount
# namespace: mounts, then pivot_root into the root, then the two commands.
# The commands' output streams to stdout and to /root/fresh/*.log.
enter='
set -euo pipefail
root=$1 demo=$2 check=$3 archives=$4
mount --bind "$root" "$root"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs "$root/run"
mkdir -p "$root/run/lock"
mount --bind /lib/modules "$root/lib/modules" && mount -o remount,bind,ro "$root/lib/modules"
# Downloaded .debs are kept between runs; apt still installs every package.
mount --bind "$archives" "$root/var/cache/apt/archives"
if [ -d "$root/var/lib/apt/lists/partial" ]; then   # _apt downloads into partial/
  chown "$(stat -c %u "$root/var/lib/apt/lists/partial")" "$archives/partial"
fi
cd "$root"
mkdir -p .oldroot
pivot_root . .oldroot
cd /
umount -l /.oldroot
rmdir /.oldroot
export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
if ls /usr/local/share/ca-certificates/*.crt > /dev/null 2>&1; then
  update-ca-certificates > /dev/null
fi
cd /root/mocker
s=0
echo "check-fresh \$ $demo"
bash -c "$demo" 2>&1 | tee /root/fresh/demo.log || s=$?
echo "$s" > /root/fresh/demo.status
s=0
echo "check-fresh \$ $check"
bash -c "$check" 2>&1 | tee /root/fresh/check.log || s=$?
echo "$s" > /root/fresh/check.status
'
status=0
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
  timeout --kill-after=30 "${FRESH_TIMEOUT:-3000}" \
  unshare --mount --propagation private --pid --fork --kill-child -- \
  bash -c "$enter" enter "$root" "$demo_cmd" "$check_cmd" "$cache/apt-archives" < /dev/null || status=$?

# The verdict, from what the commands left in the root.
demo_status=$(cat "$root/root/fresh/demo.status" 2>/dev/null || echo none)
check_status=$(cat "$root/root/fresh/check.status" 2>/dev/null || echo none)
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$root/root/fresh/check.log" 2>/dev/null | tail -1 || true)
passed=0 failed=0 skipped=0
if [ -n "$summary" ]; then
  read -r passed _ failed _ skipped _ <<< "$summary"
else
  failed=1
  echo "check-fresh: the test command printed no \"N passed, N failed, N skipped\" line" >&2
fi
if [ "$demo_status" = 0 ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "check-fresh: the main job (\`$demo_cmd\`) failed: status $demo_status" >&2
fi
[ "$check_status" = 0 ] || [ "$failed" -gt 0 ] || {
  failed=$((failed + 1))
  echo "check-fresh: the test command exited $check_status" >&2
}
[ "$status" = 0 ] || echo "check-fresh: the fresh root's session ended with status $status" >&2
echo "check-fresh: demo status $demo_status, test command status $check_status (mocker $rev)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" = 0 ]
