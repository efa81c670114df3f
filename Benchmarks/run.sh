#!/usr/bin/env bash
# The Trellis build benchmark. See Benchmarks/README.md.
#
#   Benchmarks/run.sh                 # N = 1000 and 10000, 5 timed runs each
#   Benchmarks/run.sh 1000            # only N = 1000
#   RUNS=3 Benchmarks/run.sh 200 2000 # other sizes / run counts
#
# Environment: RUNS (default 5), SEED (default: the generator's fixed seed),
# SKIP_BUILD=1 to use the existing .build/release/trellis as is,
# TRELLIS_REV=<commit> to measure a commit built in isolation (e.g. TRELLIS_REV=HEAD).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
work="$here/work"
runs="${RUNS:-5}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

# --- tools (Debian packages) -------------------------------------------------------
need=()
command -v hugo >/dev/null || need+=(hugo)
[ -x /usr/bin/time ] || need+=(time)
pkg-config --exists libcmark-gfm 2>/dev/null || need+=(libcmark-gfm-dev libcmark-gfm-extensions-dev)
[ -e /usr/include/mimalloc.h ] || need+=(libmimalloc-dev)
[ -e /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -e /usr/include/curl/curl.h ] || need+=(libcurl4-openssl-dev)
command -v cc >/dev/null || need+=(gcc)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
    echo "Installing: ${need[*]}" >&2
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y "${need[@]}" >&2
fi

mkdir -p "$work"

# --- the tool under test -----------------------------------------------------------
# Default: build the working tree in place, as developers do. If that fails (someone is
# mid-edit), fall back to the last binary in .build/release and say so in the results.
# TRELLIS_REV=<commit> instead builds that commit from `git archive` in work/src, isolated
# from uncommitted changes (the repository itself is not touched).
if [ -n "${TRELLIS_REV:-}" ]; then
    rev="$(git -C "$repo" rev-parse --short "$TRELLIS_REV")"
    src="$work/src-$rev"
    if [ ! -x "$src/.build/release/trellis" ]; then
        echo "Building trellis at $rev in $src (release)..." >&2
        rm -rf "$src" && mkdir -p "$src"
        git -C "$repo" archive "$rev" | tar -x -C "$src"
        [ ! -f "$repo/Package.resolved" ] || cp "$repo/Package.resolved" "$src/"
        (cd "$src" && swift build -c release --product trellis --static-swift-stdlib >&2)
    fi
    binary="$src/.build/release/trellis"
    export TRELLIS_SOURCE="commit $rev, built from a clean export of that commit"
else
    binary="$repo/.build/release/trellis"
    export TRELLIS_SOURCE="working tree of $repo"
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        echo "Building trellis (release)..." >&2
        if ! (cd "$repo" && swift build -c release --product trellis --static-swift-stdlib >&2); then
            [ -x "$binary" ] || { echo "build failed and there is no previous binary" >&2; exit 1; }
            echo "WARNING: the build failed; measuring the previous binary." >&2
            TRELLIS_SOURCE="$TRELLIS_SOURCE; the build FAILED, so the previous binary (built $(date -r "$binary" '+%Y-%m-%d %H:%M')) was measured"
        fi
    fi
fi
# A private copy, so a rebuild by someone else during the run cannot swap the binary.
cp "$binary" "$work/trellis"

# --- the floor ---------------------------------------------------------------------
# shellcheck disable=SC2046
cc -O2 -o "$work/floor" "$here/floor.c" $(pkg-config --cflags --libs libcmark-gfm) -lcmark-gfm-extensions

# --- inputs ------------------------------------------------------------------------
seed_args=()
[ -z "${SEED:-}" ] || seed_args=(--seed "$SEED")
for n in "${sizes[@]}"; do
    echo "Generating N=$n into $work/$n ..." >&2
    python3 "$here/generate_curriculum.py" "$n" "$work/$n" "${seed_args[@]}" >/dev/null
    "$work/trellis" check --curriculum "$work/$n/trellis" >&2
done

# --- measure -----------------------------------------------------------------------
python3 "$here/bench.py" --work "$work" --trellis "$work/trellis" --floor "$work/floor" \
    --theme "$repo/Site" --runs "$runs" --output "$here/results.md" "${sizes[@]}"
