#!/usr/bin/env bats
# .gitlab-ci.yml checked with a real GitLab CI parser run locally: gitlab-ci-local
# (from the npm registry, its whole dependency tree pinned by
# tests/ci/gitlab-ci-local/package-lock.json, cached) validates it against GitLab's JSON schema,
# lists its jobs, and evaluates the workflow rules for each kind of pipeline.
# Only a push to master may start a pipeline.

GITLAB_LOCAL_VERSION=4.56.2

setup_file() {
  # The cache is keyed by the lock file: a changed pin installs anew.
  local lock
  lock=$(sha256sum "$MOCKER_TOP/tests/ci/gitlab-ci-local/package-lock.json" | cut -c1-12)
  export GITLAB_LOCAL_DIR=${MOCKER_CI_CACHE:-/var/cache/mocker-ci}/gitlab-ci-local-$GITLAB_LOCAL_VERSION-$lock
  export GITLAB_LOCAL=$GITLAB_LOCAL_DIR/node_modules/.bin/gitlab-ci-local
  install_gitlab_ci_local
  export WORK=$(mktemp -d /tmp/mocker-ci-gitlab.XXXXXX)
  export GITLAB_LOCAL_HOME=$WORK/home
  mkdir -p "$GITLAB_LOCAL_HOME"
  # A throwaway repository holding the file, so branch, tag and ref are ours to set.
  cp "$MOCKER_TOP/.gitlab-ci.yml" "$WORK/"
  git -C "$WORK" init -q -b master
  git -C "$WORK" add .gitlab-ci.yml
  git -C "$WORK" -c user.name=ci -c user.email=ci@localhost commit -q -m ci
}

teardown_file() {
  [ -n "${WORK:-}" ] && rm -rf --one-file-system "$WORK"
}

# Installs gitlab-ci-local once into the cache (under a lock, into a temp dir
# renamed into place, so a killed install never looks complete). It is reachable
# here: a failed install fails the suite, it never skips.
install_gitlab_ci_local() {
  if [ -x "$GITLAB_LOCAL" ] && [ "$("$GITLAB_LOCAL" --version 2>/dev/null)" = "$GITLAB_LOCAL_VERSION" ]; then
    return 0
  fi
  command -v npm >/dev/null || { echo "npm not found: gitlab.bats needs node (>= 18) and npm (bash tests/deps.sh installs them)" >&2; return 1; }
  mkdir -p "$(dirname "$GITLAB_LOCAL_DIR")"
  (
    flock 9
    [ -x "$GITLAB_LOCAL" ] && [ "$("$GITLAB_LOCAL" --version 2>/dev/null)" = "$GITLAB_LOCAL_VERSION" ] && exit 0
    tmp=$(mktemp -d "$GITLAB_LOCAL_DIR.tmp.XXXXXX")
    cp "$MOCKER_TOP"/tests/ci/gitlab-ci-local/package{,-lock}.json "$tmp/"
    # re2 is compiled by node-gyp against the installed node's own headers
    # (Debian's libnode-dev): it must not try to download them.
    local nodedir=()
    [ -e /usr/include/node/node_version.h ] && nodedir=(--nodedir=/usr)
    if ! (cd "$tmp" && npm ci --cache "$(dirname "$GITLAB_LOCAL_DIR")/npm-cache" \
         --no-audit --no-fund --loglevel=error "${nodedir[@]}") >&2; then
      rm -rf "$tmp"
      echo "npm install gitlab-ci-local@$GITLAB_LOCAL_VERSION failed (is the npm registry reachable?)" >&2
      exit 1
    fi
    rm -rf "$GITLAB_LOCAL_DIR" && mv "$tmp" "$GITLAB_LOCAL_DIR"
  ) 9>"$GITLAB_LOCAL_DIR.lock"
  [ "$("$GITLAB_LOCAL" --version)" = "$GITLAB_LOCAL_VERSION" ]
}

# pipeline [--variable K=V | --unset-variable K]... : the pipeline's verdict and jobs.
pipeline() {
  (cd "$WORK" && node "$MOCKER_TOP/tests/ci/gitlab-pipeline.mjs" "$GITLAB_LOCAL_DIR" "$@")
}

@test "gitlab-ci-local $GITLAB_LOCAL_VERSION is installed and runs" {
  run "$GITLAB_LOCAL" --version
  [ "$status" -eq 0 ]
  [ "$output" = "$GITLAB_LOCAL_VERSION" ]
}

@test ".gitlab-ci.yml passes GitLab's schema and lists one job per tier" {
  cd "$WORK"
  run "$GITLAB_LOCAL" --list --home "$GITLAB_LOCAL_HOME"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"json schema validated"* ]]
  for job in build unit runtime runtime-cgroup-v2 mocker bench; do
    echo "$output" | grep -Eq "^$job +"
  done
}

@test "stages run build, unit, runtime, mocker, bench in that order" {
  cd "$WORK"
  run "$GITLAB_LOCAL" --preview --home "$GITLAB_LOCAL_HOME"
  [ "$status" -eq 0 ]
  stages=$(echo "$output" | sed -n '/^stages:/,/^[^ -]/p' | sed -n 's/^  - //p' | tr '\n' ' ')
  [ "$stages" = ".pre build unit runtime mocker bench .post " ]
}

@test "a schema violation is reported (the validation can fail)" {
  bad=$WORK/bad
  rm -rf "$bad" && mkdir "$bad"
  sed 's/^  when: manual$/  when: sometimes/' "$WORK/.gitlab-ci.yml" > "$bad/.gitlab-ci.yml"
  ! cmp -s "$bad/.gitlab-ci.yml" "$WORK/.gitlab-ci.yml" || false
  git -C "$bad" init -q -b master
  cd "$bad"
  run node "$MOCKER_TOP/tests/ci/gitlab-pipeline.mjs" "$GITLAB_LOCAL_DIR"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"bench.when"* ]]
}

@test "a push to master runs every tier, bench by hand" {
  git -C "$WORK" checkout -q master
  run pipeline
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "pipeline: runs" ]
  [ "${#lines[@]}" -eq 7 ]
  [[ $output == *"job build build on_success"* ]]
  [[ $output == *"job unit unit on_success"* ]]
  [[ $output == *"job runtime runtime on_success"* ]]
  [[ $output == *"job mocker mocker on_success"* ]]
  [[ $output == *"job bench bench manual"* ]]
}

@test "every test job keeps its logs and runs on the privileged runner" {
  cd "$WORK"
  run "$GITLAB_LOCAL" --preview --home "$GITLAB_LOCAL_HOME"
  [ "$status" -eq 0 ]
  preview=$output
  for job in build unit runtime runtime-cgroup-v2 mocker bench; do
    block=$(echo "$preview" | sed -n "/^$job:/,/^[^ ]/p")
    [[ $block == *"- mocker-privileged"* ]]
    [[ $block == *"tests/deps.sh --if-missing"* ]]
  done
  for job in unit runtime runtime-cgroup-v2 mocker; do
    block=$(echo "$preview" | sed -n "/^$job:/,/^[^ ]/p")
    [[ $block == *"- build/test-logs/"* ]]
    [[ $block == *"- build/test-logs/*.xml"* ]]
    [[ $block == *"- build/test-logs/v2/*.xml"* ]]
    [[ $block == *"tap2junit.sh build/test-logs build/test-logs/v2"* ]]
  done
}

@test "a push to another branch starts no pipeline" {
  git -C "$WORK" checkout -q -B feature/x master
  run pipeline
  git -C "$WORK" checkout -q master
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "pipeline: skipped" ]
}

@test "a merge request starts no pipeline (even one from master)" {
  git -C "$WORK" checkout -q master
  run pipeline --variable CI_PIPELINE_SOURCE=merge_request_event \
      --unset-variable CI_COMMIT_BRANCH \
      --variable CI_MERGE_REQUEST_SOURCE_BRANCH_NAME=master \
      --variable CI_MERGE_REQUEST_TARGET_BRANCH_NAME=release \
      --variable CI_MERGE_REQUEST_IID=1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "pipeline: skipped" ]
}

@test "a tag starts no pipeline (even on master's commit)" {
  git -C "$WORK" tag -f v1.0 master >/dev/null
  git -C "$WORK" checkout -q v1.0
  run pipeline --variable CI_COMMIT_TAG=v1.0 --variable CI_COMMIT_REF_NAME=v1.0 \
      --unset-variable CI_COMMIT_BRANCH
  # GitLab never sets the branch for a tag; refuse it even if it did.
  run2=$(pipeline --variable CI_COMMIT_TAG=v1.0 --variable CI_COMMIT_BRANCH=master)
  git -C "$WORK" checkout -q master
  echo "$output / $run2"
  [ "$status" -eq 0 ]
  [ "$output" = "pipeline: skipped" ]
  [ "$run2" = "pipeline: skipped" ]
}

@test "a schedule (or a run by hand, web or API) on master starts no pipeline" {
  git -C "$WORK" checkout -q master
  for source in schedule web api trigger; do
    run pipeline --variable CI_PIPELINE_SOURCE=$source
    echo "$source: $output"
    [ "$status" -eq 0 ]
    [ "$output" = "pipeline: skipped" ]
  done
}

@test "tap2junit turns TAP logs into JUnit reports GitLab can read" {
  logs=$WORK/logs
  mkdir -p "$logs/v2"
  printf '%s\n' '1..3' 'ok 1 starts <fast> & clean' 'not ok 2 stops' \
    '# (in test file x.bats, line 9)' '#   `false` failed' 'ok 3 pauses # skip no freezer' > "$logs/runtime.tap"
  printf '%s\n' '1..1' 'ok 1 v2 limits' > "$logs/v2/cgroups.tap"
  run bash "$MOCKER_TOP/tests/ci/tap2junit.sh" "$logs" "$logs/v2" "$logs/none"
  [ "$status" -eq 0 ]
  run python3 - "$logs/runtime.xml" "$logs/v2/cgroups.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
for f in sys.argv[1:]:
    s = ET.parse(f).getroot().find("testsuite")
    print(s.get("name"), s.get("tests"), s.get("failures"), s.get("skipped"),
          "|".join(c.get("name") for c in s.findall("testcase")))
    for c in s.findall("testcase"):
        fl = c.find("failure")
        if fl is not None:
            print("failure:", fl.text.replace("\n", " / "))
PY
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "runtime 3 1 1 starts <fast> & clean|stops|pauses" ]
  [ "${lines[1]}" = 'failure: (in test file x.bats, line 9) / `false` failed' ]
  [ "${lines[2]}" = "cgroups 1 0 0 v2 limits" ]
}

@test "CI runs every suite tests/run-suites.sh knows, and only make targets that exist" {
  ci=$MOCKER_TOP/.gitlab-ci.yml
  known=$(sed -n 's/^\[ \${#suites\[@\]} -eq 0 \] && suites=(\(.*\))$/\1/p' "$MOCKER_TOP/tests/run-suites.sh")
  [ -n "$known" ]
  in_ci=$(grep -oE 'SUITES="[^"]*"|SUITES=[a-z]+' "$ci" | sed 's/SUITES=//; s/"//g' | tr ' ' '\n' | sort -u)
  for s in $known; do
    echo "$in_ci" | grep -qx "$s" || { echo "suite $s is not run by any CI job"; return 1; }
  done
  for s in $in_ci; do
    [ "$s" = none ] && continue
    echo "$known" | tr ' ' '\n' | grep -qx "$s" || { echo "CI names unknown suite $s"; return 1; }
  done
  for t in $(grep -oE '\bmake [a-z][a-z0-9-]*' "$ci" | awk '{print $2}' | sort -u); do
    grep -qE "^([a-z-]+ )*$t( [a-z-]+)*:" "$MOCKER_TOP/Makefile" ||
      { echo "make target $t is not in the Makefile"; return 1; }
  done
}

@test "the build job's warning check fails on a compiler warning, not on file names" {
  pattern=$(sed -n "s/^    - \"! grep -E '\(.*\)' build.log\"$/\1/p" "$MOCKER_TOP/.gitlab-ci.yml")
  echo "pattern: $pattern"
  [ -n "$pattern" ]
  # A clean build's commands name common/error.c: that is no warning.
  make -C "$MOCKER_TOP" -B -n all > "$WORK/dry.log" 2>&1
  grep -q 'common/error\.c' "$WORK/dry.log"
  ! grep -Eq "$pattern" "$WORK/dry.log" || false
  echo "common/fs.c:12:5: warning: unused variable 'x' [-Wunused-variable]" > "$WORK/warn.log"
  grep -Eq "$pattern" "$WORK/warn.log"
  echo "spec/read.c:40:1: error: expected ';' before '}' token" > "$WORK/err.log"
  grep -Eq "$pattern" "$WORK/err.log"
}
