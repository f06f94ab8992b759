#!/usr/bin/env bats
# The Vagrant test stand: the Vagrantfile is valid for Vagrant itself, names a
# Debian 12 box, provisions with tests/deps.sh and checks for pure cgroup v2.
# `vagrant validate --ignore-provider` works offline (no box, no provider);
# booting the stand needs VirtualBox or libvirt and is not done here.

setup_file() {
  export WORK=$(mktemp -d /tmp/mocker-ci-vagrant.XXXXXX)
  export VAGRANT_HOME=$WORK/vagrant.d VAGRANT_CHECKPOINT_DISABLE=1
}

teardown_file() {
  [ -n "${WORK:-}" ] && rm -rf --one-file-system "$WORK"
}

need_vagrant() {
  command -v vagrant >/dev/null ||
    skip "vagrant is not installed (Debian package vagrant; tests/deps.sh installs it)"
}

# validate DIR: vagrant validate of DIR/Vagrantfile, as the stand's user would.
validate() {
  (cd "$1" && vagrant validate --ignore-provider --no-color --no-tty)
}

@test "vagrant validate accepts the Vagrantfile" {
  need_vagrant
  mkdir -p "$WORK/ok"
  cp "$MOCKER_TOP/Vagrantfile" "$WORK/ok/"
  run validate "$WORK/ok"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"Vagrantfile validated successfully"* ]]
}

@test "vagrant validate rejects a broken copy (the check can fail)" {
  need_vagrant
  mkdir -p "$WORK/bad"
  sed 's/config\.vm\.box = /config.vm.boxx = /' "$MOCKER_TOP/Vagrantfile" > "$WORK/bad/Vagrantfile"
  ! cmp -s "$WORK/bad/Vagrantfile" "$MOCKER_TOP/Vagrantfile" || false
  run validate "$WORK/bad"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ $output == *"boxx"* ]]
}

@test "the stand is Debian 12, synced to /vagrant, provisioned by tests/deps.sh" {
  v=$MOCKER_TOP/Vagrantfile
  grep -Eq '^\s*config\.vm\.box = "debian/bookworm64"' "$v"
  grep -Eq 'synced_folder "\.", "/vagrant"' "$v"
  grep -Eq 'inline: "cd /vagrant && bash tests/deps.sh"' "$v"
  grep -Eq 'inline: "bash /vagrant/tests/ci/check-cgroup-v2.sh"' "$v"
  # The provisioning order matters: deps first, then the cgroup check.
  [ "$(grep -n 'tests/deps.sh"' "$v" | cut -d: -f1)" -lt \
    "$(grep -n 'check-cgroup-v2.sh"' "$v" | cut -d: -f1)" ]
}

@test "the cgroup v2 check passes on a pure v2 mount table" {
  printf '%s\n' 'sysfs /sys sysfs rw 0 0' \
    'cgroup2 /sys/fs/cgroup cgroup2 rw,nsdelegate,memory_recursiveprot 0 0' > "$WORK/v2"
  CGROUP_CHECK_MOUNTS=$WORK/v2 run bash "$MOCKER_TOP/tests/ci/check-cgroup-v2.sh"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"pure cgroup v2"* ]]
}

@test "the cgroup v2 check refuses a hybrid or v1 mount table" {
  printf '%s\n' 'tmpfs /sys/fs/cgroup tmpfs ro 0 0' \
    'cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0' \
    'cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0' > "$WORK/hybrid"
  CGROUP_CHECK_MOUNTS=$WORK/hybrid run bash "$MOCKER_TOP/tests/ci/check-cgroup-v2.sh"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"'tmpfs'"*"/sys/fs/cgroup/memory"* ]]
  # A v2 root with a v1 hierarchy mounted elsewhere is not pure either.
  printf '%s\n' 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0' \
    'cgroup /run/cg/pids cgroup rw,pids 0 0' > "$WORK/mixed"
  CGROUP_CHECK_MOUNTS=$WORK/mixed run bash "$MOCKER_TOP/tests/ci/check-cgroup-v2.sh"
  [ "$status" -eq 1 ]
}

@test "the cgroup v2 check tells the truth about this machine" {
  run bash "$MOCKER_TOP/tests/ci/check-cgroup-v2.sh"
  echo "$output"
  fstype=$(stat -fc %T /sys/fs/cgroup)
  if [ "$fstype" = cgroup2fs ] && ! awk '$3 == "cgroup"' /proc/self/mounts | grep -q .; then
    [ "$status" -eq 0 ]
  else
    [ "$status" -eq 1 ]
  fi
}
