# Helpers for tests that pull: a private docker-registry on 127.0.0.1 and
# images built by hand as OCI layouts (tar + jq + sha256sum) from
# busybox-static, pushed with skopeo.
#
#   reg_start DIR            start a registry storing under DIR/storage; sets REG (host:port),
#                            REG_PID, REG_LOG, REG_STORAGE; $REG_AUTH_YML (an `auth:`
#                            block, as in login.bats) is added to its configuration
#   reg_stop                 stop it (by pid)
#   oci_init LAYOUT          an empty OCI layout
#   oci_add_layer LAYOUT SRCDIR [gzip|zstd|none]
#                            pack SRCDIR (xattrs, numeric owners) as the next layer
#   oci_finish LAYOUT NAME [ARCH [VARIANT]]
#                            config + manifest for the layers added so far, tagged NAME in the
#                            layout; prints the manifest digest
#   oci_index LAYOUT NAME REF...  an OCI index of the manifests tagged REF..., tagged NAME
#   reg_push LAYOUT NAME REPO:TAG [skopeo args]   push (one image or, for an index, --all)
#   reg_blob_file DIGEST     the file the registry serves for a blob
#   reg_count_gets PATTERN   how many GETs by mocker of URIs matching PATTERN the registry logged
#   busybox_rootfs DIR       a minimal rootfs: busybox and a few links

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits until url answers (any HTTP status), at most ~10 s.
wait_http() {
  local i
  for i in $(seq 100); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "nothing answers at $1" >&2
  return 1
}

reg_start() {
  local dir=$1 port
  mkdir -p "$dir/storage"
  port=$(free_port)
  cat > "$dir/registry.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
${REG_AUTH_YML:-}
EOF
  REG_LOG=$dir/registry.log
  REG_STORAGE=$dir/storage
  docker-registry serve "$dir/registry.yml" > "$REG_LOG" 2>&1 &
  REG_PID=$!
  REG=127.0.0.1:$port
  export REG REG_PID REG_LOG REG_STORAGE
  wait_http "http://$REG/v2/"
}

reg_stop() {
  if [ -n "${REG_PID:-}" ]; then
    kill "$REG_PID" 2>/dev/null || true
    wait "$REG_PID" 2>/dev/null || true
    REG_PID=
  fi
}

oci_init() {
  mkdir -p "$1/blobs/sha256"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$1/oci-layout"
  echo '{"schemaVersion":2,"manifests":[]}' > "$1/index.json"
  OCI_LAYERS=()
  OCI_DIFFIDS=()
}

# Moves FILE into the layout's blobs; prints its digest.
oci_blob() {
  local d
  d=$(sha256sum "$2" | cut -d' ' -f1)
  mv "$2" "$1/blobs/sha256/$d"
  echo "sha256:$d"
}

oci_add_layer() {
  local layout=$1 dir=$2 comp=${3:-gzip} tmp=$1/layer.tar f mt diff size dg
  tar --xattrs --xattrs-include='*' --numeric-owner --sort=name --mtime=@0 \
      -C "$dir" -cf "$tmp" .
  diff=sha256:$(sha256sum < "$tmp" | cut -d' ' -f1)
  case $comp in
    gzip) gzip -n "$tmp"; f=$tmp.gz; mt=application/vnd.oci.image.layer.v1.tar+gzip ;;
    zstd) zstd -q --rm "$tmp"; f=$tmp.zst; mt=application/vnd.oci.image.layer.v1.tar+zstd ;;
    none) f=$tmp; mt=application/vnd.oci.image.layer.v1.tar ;;
  esac
  size=$(stat -c %s "$f")
  dg=$(oci_blob "$layout" "$f")
  OCI_LAYERS+=("{\"mediaType\":\"$mt\",\"digest\":\"$dg\",\"size\":$size}")
  OCI_DIFFIDS+=("\"$diff\"")
}

# Adds DESCRIPTOR (json) to the layout's index.json under ref name NAME.
oci_tag() {
  local layout=$1 name=$2 desc=$3
  jq --arg n "$name" --argjson d "$desc" \
     '.manifests = [.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] != $n)]
      + [$d + {annotations: {"org.opencontainers.image.ref.name": $n}}]' \
     "$layout/index.json" > "$layout/index.json.new"
  mv "$layout/index.json.new" "$layout/index.json"
}

oci_finish() {
  local layout=$1 name=$2 arch=${3:-amd64} variant=${4:-} cfg man cdg csize mdg msize layers diffs plat
  layers=$(IFS=,; echo "${OCI_LAYERS[*]}")
  diffs=$(IFS=,; echo "${OCI_DIFFIDS[*]}")
  cfg=$layout/config.json
  plat="\"architecture\":\"$arch\",\"os\":\"linux\""
  [ -n "$variant" ] && plat="$plat,\"variant\":\"$variant\""
  printf '{%s,"created":"2026-01-01T00:00:00Z","config":{"Cmd":["/bin/sh"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[{"created_by":"test"}]}' \
    "$plat" "$diffs" > "$cfg"
  csize=$(stat -c %s "$cfg")
  cdg=$(oci_blob "$layout" "$cfg")
  man=$layout/manifest.json
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
    "$cdg" "$csize" "$layers" > "$man"
  msize=$(stat -c %s "$man")
  mdg=$(oci_blob "$layout" "$man")
  plat="{\"architecture\":\"$arch\",\"os\":\"linux\"${variant:+,\"variant\":\"$variant\"}}"
  oci_tag "$layout" "$name" "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$mdg\",\"size\":$msize,\"platform\":$plat}"
  OCI_LAYERS=()
  OCI_DIFFIDS=()
  echo "$mdg"
}

oci_index() {
  local layout=$1 name=$2 ref entries= idx size dg
  shift 2
  for ref in "$@"; do
    entries+=$(jq -c --arg n "$ref" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $n) | del(.annotations)' "$layout/index.json"),
  done
  idx=$layout/idx.json
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' "${entries%,}" > "$idx"
  size=$(stat -c %s "$idx")
  dg=$(oci_blob "$layout" "$idx")
  oci_tag "$layout" "$name" "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"$dg\",\"size\":$size}"
  echo "$dg"
}

reg_push() {
  local layout=$1 name=$2 dest=$3
  shift 3
  skopeo copy --quiet --all --dest-tls-verify=false "$@" "oci:$layout:$name" "docker://$REG/$dest"
}

reg_blob_file() {
  local hex=${1#sha256:}
  echo "$REG_STORAGE/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

# Counts mocker's (user agent mocker/...) GETs in the access log.
reg_count_gets() {
  grep -E "\"GET [^ ]*$1[^ ]* HTTP/[0-9.]+\" [0-9]+ .*\"mocker/" "$REG_LOG" | grep -c . || true
}

busybox_rootfs() {
  local d=$1 a
  mkdir -p "$d/bin" "$d/etc" "$d/tmp"
  cp /bin/busybox "$d/bin/busybox"
  for a in sh ls cat echo true; do ln -sf busybox "$d/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$d/etc/passwd"
}

# fake_start DIR [fake-registry.py options]: a misbehaving front for $REG
# (tests/helpers/fake-registry.py); sets FAKE (host:port), FAKE_BLOB_PORT,
# FAKE_PID, FAKE_LOG.
fake_start() {
  local dir=$1 i
  shift
  FAKE_LOG=$dir/fake.log
  rm -f "$dir/fake.port"
  : > "$FAKE_LOG"
  python3 "$MOCKER_TOP/tests/helpers/fake-registry.py" --upstream "$REG" \
    --port-file "$dir/fake.port" --log "$FAKE_LOG" "$@" 2> "$dir/fake.err" &
  FAKE_PID=$!
  for i in $(seq 100); do
    [ -s "$dir/fake.port" ] && break
    sleep 0.1
  done
  read -r port FAKE_BLOB_PORT < "$dir/fake.port"
  FAKE=127.0.0.1:$port
  export FAKE FAKE_BLOB_PORT FAKE_PID FAKE_LOG
}

fake_stop() {
  if [ -n "${FAKE_PID:-}" ]; then
    kill "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
    FAKE_PID=
  fi
}
