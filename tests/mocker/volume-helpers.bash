# Helpers for volumes.bats, cp.bats and diff.bats.
#
#   image_from_dir NAME DIR [VOLUME...]   `mocker init -t NAME DIR`, then (with VOLUMEs)
#                                          the image's config gets config.Volumes (no
#                                          mocker command sets it: the store's files are
#                                          edited as a pull would have made them)
#   volume_users NAME                      the container ids a volume lists as users

load container-helpers

image_from_dir() {
  local name=$1 dir=$2; shift 2
  mocker init -t "$name" "$dir" > /dev/null
  [ $# -gt 0 ] || return 0
  local ref=docker.io/library/$name:latest
  local id vols cfg new newid
  id=$(jq -r --arg r "$ref" '.tags[$r]' "$MOCKER_ROOT/repositories.json")
  vols=$(printf '%s\n' "$@" | jq -R . | jq -sc 'map({(.): {}}) | add')
  cfg=$MOCKER_ROOT/images/${id#sha256:}/config.json
  new=$MOCKER_TEST_DIR/config.new
  jq -cj --argjson v "$vols" '.config.Volumes = $v' "$cfg" > "$new"
  newid=$(sha256sum "$new" | cut -d' ' -f1)
  mkdir "$MOCKER_ROOT/images/$newid"
  mv "$new" "$MOCKER_ROOT/images/$newid/config.json"
  jq --arg i "sha256:$newid" '.id = $i' "$MOCKER_ROOT/images/${id#sha256:}/image.json" \
    > "$MOCKER_ROOT/images/$newid/image.json"
  jq --arg i "sha256:$newid" --arg r "$ref" '.images += [$i] | .tags[$r] = $i' \
    "$MOCKER_ROOT/repositories.json" > "$MOCKER_TEST_DIR/repos.new"
  mv "$MOCKER_TEST_DIR/repos.new" "$MOCKER_ROOT/repositories.json"
}

volume_users() {
  ls "$MOCKER_ROOT/volumes/$1/users"
}
