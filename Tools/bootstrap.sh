#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine:
#   1. installs the Debian packages the build needs (when missing),
#   2. fetches MovieLens-100K from the RecBole 1.2.1 wheel on PyPI into data/ml-100k,
#      verifying SHA-256 checksums.
# Run as root (or with sudo). Re-running does nothing when everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(libfaiss-dev libopenblas-dev liblapack-dev libuv1-dev pkg-config zlib1g-dev unzip python3-pip)
WHEEL=recbole-1.2.1-py3-none-any.whl
WHEEL_SHA256=9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407
DATA_DIR=data/ml-100k
declare -A FILE_SHA256=(
  [ml-100k.inter]=4edb74e2a81178c2ba9ff381495f754f996c4aea351b1272ca36b43da0935eff
  [ml-100k.item]=51d7cdf777ce5c0f5b32c1d947a4a81fe07d75e78abbe761e0cd4d0756064532
  [ml-100k.kg]=200a0636fa07c218119a42e5bac7aa3e26e3665a6f919c1b22909bd412b14779
  [ml-100k.link]=524dca2c3d62619688ab99b3ec53ea2acb9b64d38eafec3e02bdd0dc6bb7d948
  [ml-100k.user]=4f670007d9cfbeb9807e757209af1555b9bcc186bde25e767f67cb67c6dd5972
)

log() { printf '[bootstrap] %s\n' "$*" >&2; }

# --- 1. Debian packages -------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# python3-pip is only a fallback for fetching the wheel; a pip on PATH is enough.
if command -v pip3 >/dev/null 2>&1 || command -v pip >/dev/null 2>&1; then
  missing=("${missing[@]/python3-pip}")
fi
read -r -a missing <<<"${missing[*]:-}"
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages: ${missing[*]}"
    log "run as root:  apt-get update && apt-get install -y ${missing[*]}"
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present"
fi

# --- 2. MovieLens-100K --------------------------------------------------------
verify() {
  local f ok=0
  for f in "${!FILE_SHA256[@]}"; do
    [[ -f "$DATA_DIR/$f" ]] || return 1
    echo "${FILE_SHA256[$f]}  $DATA_DIR/$f" | sha256sum -c --quiet - >/dev/null 2>&1 || { ok=1; log "checksum mismatch: $DATA_DIR/$f"; }
  done
  return $ok
}

if verify; then
  log "dataset present: $DATA_DIR (checksums ok)"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PIP=$(command -v pip3 || command -v pip)
log "downloading $WHEEL from PyPI"
"$PIP" download --quiet --no-deps --only-binary=:all: recbole==1.2.1 -d "$tmp" >&2
echo "$WHEEL_SHA256  $tmp/$WHEEL" | sha256sum -c --quiet - || { log "wheel checksum mismatch"; exit 1; }
python3 - "$tmp/$WHEEL" "$tmp/out" <<'PY'
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("recbole/dataset_example/ml-100k/"):
            base = os.path.basename(name)
            if base:
                with open(os.path.join(out, base), "wb") as f:
                    f.write(z.read(name))
PY
mkdir -p "$DATA_DIR"
for f in "${!FILE_SHA256[@]}"; do
  echo "${FILE_SHA256[$f]}  $tmp/out/$f" | sha256sum -c --quiet - || { log "checksum mismatch in wheel: $f"; exit 1; }
  mv "$tmp/out/$f" "$DATA_DIR/$f.part" && mv "$DATA_DIR/$f.part" "$DATA_DIR/$f"
done
verify
log "dataset ready: $DATA_DIR"
