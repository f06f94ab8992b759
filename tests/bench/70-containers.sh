#!/usr/bin/env bash
# Container listing and data commands beside podman (issue 14, "Tests and
# performance"), on the same busybox image (mocker's, saved with `mocker
# save` and loaded into podman):
# - stats --no-stream of 20 running containers;
# - cp of a 100 MB file into a running container and out of it;
# - ps -a --format '{{.ID}} {{.Names}}' with 1,000 containers (made with
#   `create` when the tool has it, else `run` of `true`; podman: create);
# - mocker alone: ps -a with those 1,000 (target: 20 ms wall).
# Targets: <= 0.2x podman (wall) each. Medians of CTR_RUNS paired runs
# (default: BENCH_RUNS, at most 10); CTR_N sets the number of containers
# of the ps measurement (default 1000).
# Private stores for both (podman: its own root, run root, tmpdir, config,
# overlay storage), a private mount namespace, --network none only. Every
# container made here is removed by id at the end.
set -euo pipefail
if [ -z "${BENCH_NS:-}" ]; then
  exec unshare --mount --propagation private env BENCH_NS=1 bash "$0" "$@"
fi
PM_DRIVER=${PM_DRIVER:-overlay}
source "$MOCKER_TOP/tests/bench/lib.sh"

work=$(mktemp -d /tmp/mocker-bench-70.XXXXXX)
export MOCKER_ROOT=$work/mocker
runs=${CTR_RUNS:-$(( BENCH_RUNS < 10 ? BENCH_RUNS : 10 ))}
n_ps=${CTR_N:-1000}
mk() { "$MOCKER_BIN" "$@"; }
pm_argv   # PM_ARGV: pm for measure_into
cleanup() {
  # mocker's containers, by id (what this script made: the store is its own)
  local ids
  ids=$(ls "$MOCKER_ROOT/containers" 2>/dev/null | grep -E '^[0-9a-f]{64}$' || true)
  [ -z "$ids" ] || echo "$ids" | xargs -r -n 100 "$MOCKER_BIN" rm -f > /dev/null 2>&1 || true
  podman_cleanup
}
trap cleanup EXIT

# the image: mocker's busybox, saved and loaded into podman
img=localhost/mocker-bench-busybox:test
podman_setup localhost/unused:import      # containers.conf (runc, cgroupfs)
pm rmi localhost/unused:import > /dev/null
mk init -t "$img" "$MOCKER_TOP/bundles/busybox/rootfs" > /dev/null
mk save -o "$work/bb.tar" "$img"
pm load -i "$work/bb.tar" > /dev/null
rm "$work/bb.tar"
mk run --rm --network none "$img" true     # warm caches once
pm run --rm --network none "$img" true

# --- stats --no-stream, 20 running containers ---------------------------------
for i in $(seq 20); do
  mk run -d --network none --name "st$i" "$img" sleep 100000 > /dev/null
  pm run -d --network none --name "st$i" "$img" sleep 100000 > /dev/null
done
[ "$(mk stats --no-stream --format '{{.Name}}' | wc -l)" = 20 ] || echo "bench: mocker stats: not 20 rows" >&2
[ "$(pm stats --no-stream --format '{{.Name}}' | wc -l)" = 20 ] || echo "bench: podman stats: not 20 rows" >&2
pair "stats --no-stream (20 running containers)" "wall <= 0.2x podman" \
  stats --no-stream -- stats --no-stream

# --- cp of 100 MB in and out of a running container -----------------------------
head -c 100000000 /dev/urandom > "$work/big"
# into a new file each time (the previous copy removed before, unmeasured)
f=$work/cpin
for _ in $(seq "$runs"); do
  mk exec st1 rm -f /big
  measure_into "$f.mocker" "$MOCKER_BIN" cp "$work/big" st1:/big
  pm exec st1 rm -f /big
  measure_into "$f.podman" "${PM_ARGV[@]}" cp "$work/big" st1:/big
done
[ "$(mk exec st1 md5sum /big | cut -d' ' -f1)" = "$(md5sum < "$work/big" | cut -d' ' -f1)" ] ||
  echo "bench: mocker cp in: wrong content" >&2
[ "$(pm exec st1 md5sum /big | cut -d' ' -f1)" = "$(md5sum < "$work/big" | cut -d' ' -f1)" ] ||
  echo "bench: podman cp in: wrong content" >&2
report "cp of a 100 MB file into a running container" mocker "$f.mocker" podman "$f.podman" \
  "wall <= 0.2x podman"
f=$work/cpout
for _ in $(seq "$runs"); do
  rm -f "$work/out"
  measure_into "$f.mocker" "$MOCKER_BIN" cp st1:/big "$work/out"
  cmp -s "$work/big" "$work/out" || echo "bench: mocker cp out: wrong content" >&2
  rm -f "$work/out"
  measure_into "$f.podman" "${PM_ARGV[@]}" cp st1:/big "$work/out"
  cmp -s "$work/big" "$work/out" || echo "bench: podman cp out: wrong content" >&2
done
report "cp of a 100 MB file out of a running container" mocker "$f.mocker" podman "$f.podman" \
  "wall <= 0.2x podman"
rm -f "$work/big" "$work/out"

# the running ones go: the listing below is of n_ps containers
ids=$(ls "$MOCKER_ROOT/containers" | grep -E '^[0-9a-f]{64}$' || true)
echo "$ids" | xargs -r "$MOCKER_BIN" rm -f > /dev/null
pm rm -af -t 0 > /dev/null

# --- ps with n_ps containers ----------------------------------------------------
if mk create --help > /dev/null 2>&1; then make_one=(create); else make_one=(run); fi
t0=$(date +%s%N)
for i in $(seq "$n_ps"); do mk "${make_one[@]}" --network none "$img" true > /dev/null; done
t1=$(date +%s%N)
for i in $(seq "$n_ps"); do pm create --network none "$img" true > /dev/null; done
t2=$(date +%s%N)
printf '\n== %d containers made: mocker %s %d ms, podman create %d ms\n' "$n_ps" \
  "${make_one[0]}" $(( (t1 - t0) / 1000000 )) $(( (t2 - t1) / 1000000 ))
sleep 2   # ps index entries are trusted 2 s after their directory's last change
mk ps -a > /dev/null
[ "$(mk ps -aq | wc -l)" = "$n_ps" ] || echo "bench: mocker ps lists $(mk ps -aq | wc -l)" >&2
[ "$(pm ps -aq | wc -l)" = "$n_ps" ] || echo "bench: podman ps lists $(pm ps -aq | wc -l)" >&2
pair "ps -a --format '{{.ID}} {{.Names}}' ($n_ps containers)" "wall <= 0.2x podman" \
  ps -a --format '{{.ID}} {{.Names}}' -- ps -a --format '{{.ID}} {{.Names}}'
f=$work/ps
for _ in $(seq "$runs"); do measure_into "$f" "$MOCKER_BIN" ps -a; done
printf '\n== ps -a with %d containers (%d runs, medians)\n  mocker wall %8.2f ms  cpu %8.2f ms\n  target: wall <= 20 ms\n' \
  "$n_ps" "$(wc -l < "$f")" "$(median "$f" 1)" "$(median "$f" 2)"
