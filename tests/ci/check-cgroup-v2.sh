#!/usr/bin/env bash
# Exits 0 on a pure cgroup v2 host (cgroup2 at /sys/fs/cgroup, no v1 hierarchy
# mounted), 1 otherwise with one line saying what was found. The Vagrant stand
# runs it after provisioning; Debian 12 is pure v2 by default.
set -euo pipefail
mounts=${CGROUP_CHECK_MOUNTS:-/proc/self/mounts}
root=${CGROUP_CHECK_ROOT:-/sys/fs/cgroup}

fstype=$(awk -v r="$root" '$2 == r { t = $3 } END { print t }' "$mounts")
v1=$(awk '$3 == "cgroup" { printf "%s ", $2 }' "$mounts")
if [ "$fstype" != cgroup2 ] || [ -n "$v1" ]; then
  echo "check-cgroup-v2: not a pure cgroup v2 host: $root is '${fstype:-not mounted}'${v1:+, v1 hierarchies at ${v1% }}" >&2
  exit 1
fi
echo "check-cgroup-v2: pure cgroup v2 at $root, controllers: $(cat "$root/cgroup.controllers" 2>/dev/null)"
