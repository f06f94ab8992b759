#!/usr/bin/env bash
# Prints the README's two commands, one per line: the main job first, then the
# test command. They are read from the indented block under "## The two
# commands" (their trailing comments dropped), so every check that runs them
# (.ci/run, make check-fresh) runs exactly what a reader is told to type.
#   readme-commands.sh [README]        both
#   readme-commands.sh [README] demo   the first (the main job)
#   readme-commands.sh [README] check  the second (the test command)
set -euo pipefail
readme=${1:-$(dirname "$0")/../../README.md}
which=${2:-both}
mapfile -t cmds < <(awk '
  /^## / { in_block = ($0 == "## The two commands"); next }
  in_block && /^    [^ #]/ {
    line = substr($0, 5)
    sub(/[ \t][ \t]+#.*$/, "", line)   # the comment beside the command
    sub(/[ \t]+$/, "", line)
    print line
  }' "$readme")
if [ ${#cmds[@]} -ne 2 ]; then
  echo "readme-commands: $readme: expected 2 commands under \"## The two commands\", found ${#cmds[@]}" >&2
  exit 1
fi
case $which in
  both) printf '%s\n' "${cmds[@]}" ;;
  demo) printf '%s\n' "${cmds[0]}" ;;
  check) printf '%s\n' "${cmds[1]}" ;;
  *) echo "readme-commands: unknown selection \`$which\` (both, demo, check)" >&2; exit 2 ;;
esac
