#!/usr/bin/env bash
# Builds bundles/*/rootfs/ from Debian's busybox-static: one static busybox
# with a link per applet, the usual top-level directories, /etc/passwd and
# /etc/group.  Idempotent; rootfs/ is not checked in (.gitignore).
#   bash bundles/make-rootfs.sh [BUNDLE_DIR...]      (default: every bundle here)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
if ! [ -x "$busybox" ] || [[ $(ldd "$busybox" 2>&1 || true) != *"not a dynamic"* ]]; then
  echo "make-rootfs: $busybox (static) missing: apt-get install busybox-static" >&2
  exit 1
fi

make_rootfs() {
  local rootfs=$1/rootfs
  if [ -x "$rootfs/bin/busybox" ] && cmp -s "$busybox" "$rootfs/bin/busybox"; then
    return 0
  fi
  local tmp=$rootfs.tmp.$$
  rm -rf --one-file-system "$tmp"
  mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var,run}
  chmod 1777 "$tmp/tmp"
  chmod 700 "$tmp/root"
  cp "$busybox" "$tmp/bin/busybox"
  local applet
  for applet in $("$busybox" --list-full); do
    [ "$applet" = bin/busybox ] && continue
    [ -e "$tmp/$applet" ] || ln -s /bin/busybox "$tmp/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$tmp/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$tmp/etc/group"
  echo mocker > "$tmp/etc/hostname"
  rm -rf --one-file-system "$rootfs"
  mv "$tmp" "$rootfs"
}

if [ $# -eq 0 ]; then
  set -- "$here"/*/
fi
for b in "$@"; do
  [ -f "$b/config.json" ] && make_rootfs "${b%/}"
done
exit 0
