#!/usr/bin/env bash
# Installs the Debian packages mocker needs to build, test and run.
#   --if-missing  do nothing when all are already installed
#   --run         only what building and running needs (make demo), not the test tools
set -euo pipefail

if_missing=false run_only=false
for arg in "$@"; do
  case $arg in
    --if-missing) if_missing=true ;;
    --run) run_only=true ;;
    *) echo "deps: unknown option $arg (--if-missing, --run)" >&2; exit 2 ;;
  esac
done

build_pkgs=(make gcc pkg-config libc6-dev musl-tools
  libyajl-dev libcap-dev libseccomp-dev
  libcurl4-openssl-dev libssl-dev libarchive-dev libnl-3-dev libnl-route-3-dev libnftables-dev
  libcmocka-dev)
test_pkgs=(bats busybox-static jq iproute2 nftables procps util-linux psmisc
  docker-registry skopeo umoci crun runc curl valgrind python3 zstd buildah
  qemu-system-x86 kmod xz-utils strace
  podman conmon containerd  # tests/compat: real managers driving mocker-runtime
  vagrant g++ git man-db groff-base bash-completion  # tests/ci: vagrant validate, re2 for
  # gitlab-ci-local (g++), man pages and bash completion
  debootstrap)  # make check-fresh: a pristine Debian 12 root
test_pkgs+=(catatonit)  # mocker run --init (tests/mocker/run-options.bats)
# make fuzz and the fuzz suite: clang with libFuzzer and the sanitizer runtimes
test_pkgs+=(clang libclang-rt-14-dev)
# tests/ci/gitlab.bats runs gitlab-ci-local (engines: node >= 18) with node and npm:
# Debian's when the machine has no node of its own; a node already there is kept.
if ! command -v node > /dev/null; then
  test_pkgs+=(nodejs npm)
elif ! command -v npm > /dev/null; then
  test_pkgs+=(npm)
fi

# make demo: busybox for the image, iproute2 for the network namespaces it makes.
$run_only && test_pkgs=(busybox-static iproute2)
missing=()
for p in "${build_pkgs[@]}" "${test_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if $if_missing && [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
[ ${#missing[@]} -eq 0 ] && missing=("${build_pkgs[@]}" "${test_pkgs[@]}")
if [ "$(id -u)" != 0 ]; then
  echo "deps: missing packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt may be running (unattended upgrades): wait for its lock.
apt-get -o DPkg::Lock::Timeout=300 update -q >&2
apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}" >&2
