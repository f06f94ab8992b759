# What a container sees, printed in sections ("== NAME"), for the
# differential suite (differential.bats): the same text is run as
# `sh -c "$(cat differential_probe.sh)" probe EXIT` under runc and under
# mocker-runtime, and the two outputs are normalized and compared.  Run as
# sh -c (not as a script file) so that no extra fd of the shell shows up.
# busybox applets only.
echo "== env"
env | sort
echo "== environ"
# As execve gave it (the shell itself merges duplicates).
tr '\0' '\n' < /proc/$$/environ | sort
echo "== cwd"
pwd
echo "== id"
id
echo "== umask"
umask
echo "== hostname"
hostname
echo "== pid"
echo "pid $$ ppid $PPID"
echo "== fds"
# The shell's own fds (an `ls` of /proc/self/fd would show ls's directory fd).
for f in /proc/$$/fd/*; do
  echo "${f##*/} $(readlink "$f")"
done
echo "== mounts"
# mountpoint, fstype, per-mount options, superblock options (ids, majors and
# sources differ between runs).
awk '{ for (i = 7; $i != "-"; i++) ; print $5, $(i + 1), $6, $(i + 3) }' /proc/self/mountinfo
echo "== dev"
for f in /dev/* /dev/pts/* /dev/shm /dev/mqueue; do
  [ -e "$f" ] || [ -L "$f" ] || continue
  if [ -L "$f" ]; then
    echo "$f -> $(readlink "$f")"
  else
    stat -c '%n %F %a %u:%g %t,%T' "$f"
  fi
done
echo "== caps"
grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status
echo "== limits"
cat /proc/self/limits
echo "== oom"
cat /proc/self/oom_score_adj
echo "== cgroup"
cat /proc/self/cgroup
echo "== cgroupfs"
ls /sys/fs/cgroup 2>&1
echo "== cgroupfiles"
# The limits as the container sees them (when a cgroup mount shows them).
for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes pids/pids.max \
  cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpuset/cpuset.cpus \
  memory.max memory.swap.max pids.max cpu.max cpu.weight cpuset.cpus \
  unified/memory.max unified/pids.max unified/cpu.max; do
  [ -r "/sys/fs/cgroup/$f" ] && echo "$f $(cat "/sys/fs/cgroup/$f")"
done
echo "== tty"
tty 2>&1
stty -a 2> /dev/null | grep -o -- '-*onlcr'
echo "== rootfs"
touch /probe-write 2>&1 && echo writable && rm -f /probe-write
echo "== ns"
# (the normalizer tells the host's namespaces from new ones)
for n in ipc mnt net pid uts cgroup user time; do
  echo "$(readlink /proc/$$/ns/$n)"
done
exit "${1:-0}"
