#!/usr/bin/env bats
# Man pages render cleanly and document every command; bash completion scripts
# load and complete; `make install` puts both in place; docs name only code
# that exists (or say it is planned).

MOCKER_COMMANDS="build init import pull history image images rmi tag run exec ps logs rm stop start kill inspect commit help"
MOCKER_COMMANDS+=" push login logout save load export"
MOCKER_COMMANDS+=" cp create diff volume network"
MOCKER_COMMANDS+=" restart wait pause unpause rename port top stats"
MOCKER_COMMANDS+=" events info system container"
MOCKER_COMMANDS+=" attach"
RUNTIME_COMMANDS="spec create start run exec state list kill delete pause resume update ps events features"

setup_file() {
  export WORK=$(mktemp -d /tmp/mocker-ci-docs.XXXXXX)
}

teardown_file() {
  [ -n "${WORK:-}" ] && rm -rf --one-file-system "$WORK"
}

# render PAGE: groff with every warning enabled; warnings fail the test.
render() {
  local err=$WORK/groff.err
  groff -man -Tutf8 -ww "$1" > "$WORK/page.txt" 2> "$err"
  local rc=$?
  cat "$err"
  [ "$rc" -eq 0 ]
  [ ! -s "$err" ]
}

@test "mocker(1) renders without groff warnings" {
  render "$MOCKER_TOP/docs/man/mocker.1"
  grep -q 'mocker' "$WORK/page.txt"
  run man -l "$MOCKER_TOP/docs/man/mocker.1"
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == MOCKER\(1\)* ]]
}

@test "mocker-runtime(8) renders without groff warnings" {
  render "$MOCKER_TOP/docs/man/mocker-runtime.8"
  run man -l "$MOCKER_TOP/docs/man/mocker-runtime.8"
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == MOCKER-RUNTIME\(8\)* ]]
}

@test "the groff check catches a broken page (it can fail)" {
  printf '.TH X 1\n.SH NAME\nx \\- y\n.BOGUSMACRO z\n' > "$WORK/bad.1"
  ! render "$WORK/bad.1" || false
}

@test "no man page documents a command twice" {
  for page in "$MOCKER_TOP"/docs/man/*.[18]; do
    dup=$(sed -n 's/^\.SS "\([a-z-]*\).*/\1/p' "$page" | sort | uniq -d)
    [ -z "$dup" ] || { echo "$page: twice: $dup"; return 1; }
  done
}

@test "mocker(1) has a section for every command, the environment and exit codes" {
  page=$MOCKER_TOP/docs/man/mocker.1
  for c in $MOCKER_COMMANDS; do
    grep -Eq "^\.SS \"$c( |\")" "$page" || { echo "no section for $c"; return 1; }
  done
  for v in MOCKER_ROOT MOCKER_AUTH MOCKER_INSECURE_REGISTRIES MOCKER_REGISTRY_MIRROR; do
    grep -q "^\.B $v\$" "$page" || { echo "no entry for $v"; return 1; }
  done
  for code in 125 126 127 137; do
    grep -q "^\.B $code\$" "$page" || { echo "no exit status $code"; return 1; }
  done
  # Every run option of the manager is documented.
  for o in detach rm name env env-file workdir user hostname entrypoint interactive tty \
           memory cpus cpu-shares pids-limit network network-alias publish volume read-only cap-add \
           cap-drop privileged; do
    sed 's/\\-/-/g' "$page" | grep -q -- "--$o\\b" || { echo "run option --$o missing"; return 1; }
  done
}

@test "mocker-runtime(8) has a section for every command, exit status and state JSON" {
  page=$MOCKER_TOP/docs/man/mocker-runtime.8
  for c in $RUNTIME_COMMANDS; do
    grep -Eq "^\.SS \"$c( |\")" "$page" || { echo "no section for $c"; return 1; }
  done
  for h in "GLOBAL OPTIONS" "EXIT STATUS" "STATE JSON"; do
    grep -q "^\.SH \"\\?$h" "$page" || { echo "no $h"; return 1; }
  done
  for o in root log log-format debug systemd-cgroup; do
    sed 's/\\-/-/g' "$page" | grep -q -- "--$o\\b" || { echo "global option --$o missing"; return 1; }
  done
}

# Commands the built binaries accept must be documented (once they exist).
@test "every command the binaries list in --help is in their man page" {
  checked=0
  for pair in "$MOCKER_BIN:mocker.1" "$MOCKER_RUNTIME:mocker-runtime.8"; do
    bin=${pair%%:*} page=$MOCKER_TOP/docs/man/${pair#*:}
    [ -x "$bin" ] || continue
    help=$("$bin" --help 2>&1) || continue
    # Lines of the form "  command   description" in the help's command list.
    cmds=$(echo "$help" | sed -n 's/^  \([a-z][a-z-]*\)  *[A-Za-z].*/\1/p')
    [ -n "$cmds" ] || continue
    for c in $cmds; do
      grep -Eq "^\.SS \"$c( |\")" "$page" || { echo "$bin: $c not in $page"; return 1; }
      checked=$((checked + 1))
    done
  done
  [ "$checked" -gt 0 ] || skip "no built binary lists its commands in --help yet"
}

# Every long option a command's --help lists must be in the man page (checked
# for the commands whose --help works in the built binaries).
@test "every option the binaries list in COMMAND --help is in their man page" {
  checked=0 missing=
  for pair in "$MOCKER_BIN:mocker.1" "$MOCKER_RUNTIME:mocker-runtime.8"; do
    bin=${pair%%:*} page=$MOCKER_TOP/docs/man/${pair#*:}
    [ -x "$bin" ] || continue
    text=$(sed 's/\\-/-/g' "$page")
    cmds=$("$bin" --help 2>&1 | sed -n 's/^  \([a-z][a-z-]*\)  *[A-Za-z].*/\1/p')
    for c in $cmds; do
      help=$("$bin" "$c" --help 2>/dev/null) || continue
      for o in $(echo "$help" | grep -oE -- '(^|[ ,])--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' | sort -u); do
        [ "$o" = --help ] && continue
        grep -q -- "$o\b" <<< "$text" || missing+=" $bin $c $o;"
        checked=$((checked + 1))
      done
    done
  done
  echo "missing:$missing"
  [ -z "$missing" ]
  [ "$checked" -gt 0 ] || skip "no command of the built binaries has --help yet"
}

# The runtime's commands have no --help of their own: read its option tables
# (getopt_long's struct option arrays) instead.
@test "every long option in mocker-runtime's option tables is in mocker-runtime(8)" {
  cd "$MOCKER_TOP"
  text=$(sed 's/\\-/-/g' docs/man/mocker-runtime.8)
  opts=$(grep -ohE '\{ "[a-z][a-z-]*", *(no|required|optional)_argument' $(find mocker-runtime -name '*.[ch]') |
         sed 's/{ "\([^"]*\)".*/\1/' | sort -u)
  [ "$(echo "$opts" | wc -l)" -gt 10 ]
  missing=
  for o in $opts; do
    [ "$o" = help ] && continue
    grep -q -- "--$o\b" <<< "$text" || missing+=" --$o"
  done
  echo "missing:$missing"
  [ -z "$missing" ]
}

# complete_words SCRIPT WORD... : COMPREPLY for the last word, one per line.
# LIBRARY=1 loads bash-completion's library first, as an interactive shell does.
complete_words() {
  local script=$1; shift
  bash --norc --noprofile -c '
    if [ "$LIBRARY" = 1 ]; then
      . /usr/share/bash-completion/bash_completion || exit 3
    fi
    . "$0" || exit 4
    [ -n "${STUB:-}" ] && eval "$STUB"
    name=$1
    fn=$(complete -p "$name" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
    [ -n "$fn" ] || exit 5
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    "$fn" "$name" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' "$script" "$@"
}

@test "both completion scripts load without errors and register themselves" {
  for c in mocker mocker-runtime; do
    run bash --norc --noprofile -c '. "$1" && complete -p "$2"' _ "$MOCKER_TOP/docs/completion/$c" "$c"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ $output == "complete -F "*" $c" ]]
  done
}

@test "mocker completion: commands, run options, network modes" {
  for lib in 0 1; do
    [ $lib = 1 ] && [ ! -e /usr/share/bash-completion/bash_completion ] && continue
    export LIBRARY=$lib
    run complete_words "$MOCKER_TOP/docs/completion/mocker" mocker ""
    echo "$output"
    [ "$status" -eq 0 ]
    for c in $MOCKER_COMMANDS; do echo "$output" | grep -qx "$c"; done
    run complete_words "$MOCKER_TOP/docs/completion/mocker" mocker r
    [ "$(echo "$output" | sort | tr '\n' ' ')" = "rename restart rm rmi run " ]
    run complete_words "$MOCKER_TOP/docs/completion/mocker" mocker --root /tmp/x ru
    [ "$output" = run ]
    run complete_words "$MOCKER_TOP/docs/completion/mocker" mocker run --pids
    [ "$output" = --pids-limit ]
    run complete_words "$MOCKER_TOP/docs/completion/mocker" mocker run --network ""
    [ "$(echo "$output" | tr '\n' ' ')" = "bridge none host " ]
  done
}

@test "mocker completion: containers and images come from mocker ps and images" {
  # A stand-in for the mocker binary, so no store is needed.
  export STUB='mocker() {
    case "$*" in
      *" ps -a "*|"ps -a "*)
        printf "%s\n" "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS   PORTS   NAMES" \
          "4f3c2b1a0d9e8f7a   busybox   sh   1 minute ago   Up 1 minute      web" \
          "a1b2c3d4e5f6a7b8   busybox   sh   1 minute ago   Exited (0) 1 minute ago      db" ;;
      *" ps "*|"ps "*)
        printf "%s\n" "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS   PORTS   NAMES" \
          "4f3c2b1a0d9e8f7a   busybox   sh   1 minute ago   Up 1 minute      web" ;;
      *images*)
        printf "%s\n" "REPOSITORY   TAG   IMAGE ID   CREATED   SIZE" \
          "busybox   latest   0123456789ab   2 hours ago   4.3MB" ;;
    esac; }'
  export LIBRARY=0
  run complete_words "$MOCKER_TOP/docs/completion/mocker" mocker rm ""
  echo "$output"
  [ "$(echo "$output" | sort | tr '\n' ' ')" = "4f3c2b1a0d9e a1b2c3d4e5f6 db web " ]
  run complete_words "$MOCKER_TOP/docs/completion/mocker" mocker exec w
  [ "$output" = web ]
  run complete_words "$MOCKER_TOP/docs/completion/mocker" mocker exec d
  [ -z "$output" ]
  run complete_words "$MOCKER_TOP/docs/completion/mocker" mocker run bu
  [ "$output" = busybox:latest ]
  # After the image comes the container's own command line: nothing offered.
  run complete_words "$MOCKER_TOP/docs/completion/mocker" mocker run busybox ""
  [ -z "$output" ]
}

@test "mocker-runtime completion: commands and their options" {
  for lib in 0 1; do
    [ $lib = 1 ] && [ ! -e /usr/share/bash-completion/bash_completion ] && continue
    export LIBRARY=$lib
    run complete_words "$MOCKER_TOP/docs/completion/mocker-runtime" mocker-runtime ""
    echo "$output"
    [ "$status" -eq 0 ]
    for c in $RUNTIME_COMMANDS; do echo "$output" | grep -qx "$c"; done
    echo "$output" | grep -qx run
    run complete_words "$MOCKER_TOP/docs/completion/mocker-runtime" mocker-runtime --root /tmp/x del
    [ "$output" = delete ]
    run complete_words "$MOCKER_TOP/docs/completion/mocker-runtime" mocker-runtime create --pid
    [ "$output" = --pid-file ]
    run complete_words "$MOCKER_TOP/docs/completion/mocker-runtime" mocker-runtime --log-format ""
    [ "$(echo "$output" | tr '\n' ' ')" = "text json " ]
  done
}

@test "make install DESTDIR puts binaries, man pages and completions in place" {
  dest=$WORK/dest
  # The binaries this run tests (build-asan/ under `make check SANITIZE=1`): no rebuild.
  sanitize=0
  [ "${BUILD:-build}" = build-asan ] && sanitize=1
  run make -C "$MOCKER_TOP" --no-print-directory install DESTDIR="$dest" PREFIX=/usr SANITIZE=$sanitize
  echo "$output"
  [ "$status" -eq 0 ]
  [ -x "$dest/usr/sbin/mocker-runtime" ]
  # The manager and its monitor, once they are built.
  if [ -x "$MOCKER_BIN" ]; then [ -x "$dest/usr/bin/mocker" ]; fi
  if [ -x "$(dirname "$MOCKER_BIN")/mocker-monitor" ]; then [ -x "$dest/usr/bin/mocker-monitor" ]; fi
  if [ -x "$(dirname "$MOCKER_BIN")/mocker-heavy" ]; then
    [ -x "$dest/usr/libexec/mocker/mocker-heavy" ]
    # The installed mocker finds its heavy half: a heavy command runs.
    run env -u MOCKER_HEAVY "$dest/usr/bin/mocker" pull --help
    [ "$status" -eq 0 ]
    [[ $output == *"Usage: mocker pull"* ]]
  fi
  if [ -x "$(dirname "$MOCKER_BIN")/mocker-net" ]; then [ -x "$dest/usr/libexec/mocker/mocker-net" ]; fi
  [ -f "$dest/usr/share/man/man1/mocker.1" ]
  [ -f "$dest/usr/share/man/man8/mocker-runtime.8" ]
  [ -f "$dest/usr/share/bash-completion/completions/mocker" ]
  [ -f "$dest/usr/share/bash-completion/completions/mocker-runtime" ]
  run man -l "$dest/usr/share/man/man8/mocker-runtime.8"
  [ "$status" -eq 0 ]
  [[ ${lines[0]} == MOCKER-RUNTIME\(8\)* ]]
}

# Source paths a doc names in backquotes (`mocker-runtime/cgroup/cgroup.c`) must exist,
# unless the line says the part is planned. A doc may be absent (not written yet).
@test "docs name only source files that exist (or are marked planned)" {
  cd "$MOCKER_TOP"
  missing=
  for doc in docs/architecture.md docs/cgroups.md docs/security.md docs/runtime-cli.md docs/testing.md; do
    [ -f "$doc" ] || continue
    while IFS= read -r line; do
      [[ $line == *planned* ]] && continue
      for p in $(echo "$line" | grep -oE '`(mocker|mocker-runtime|common|spec|tests|bundles|docs)/[A-Za-z0-9_./*-]+`' | tr -d '`'); do
        [[ $p == *'*'* ]] && continue   # a glob names a kind of file, not one
        [ -e "$p" ] || missing+=" $doc:$p"
      done
    done < "$doc"
  done
  echo "missing:$missing"
  [ -z "$missing" ]
}
