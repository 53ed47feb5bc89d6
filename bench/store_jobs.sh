#!/usr/bin/env bash
# Builds bench_store_jobs optimised and without sanitizers (whatever the
# build directory uses), then runs it; arguments go to the benchmark
# (-n JOBS, -r RUNS, -d DIR, -k, -e DB: see bench_store_jobs.c).
# BENCH_BUILD_DIR (default $TMPDIR/mlops-bench) holds the binary; CC picks
# the compiler.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_BUILD_DIR:-${TMPDIR:-/tmp}/mlops-bench}
mkdir -p "$out"

migrations=$(ls "$root"/server/store/migrations/*.sql | sort | paste -sd';')
cmake -DOUT="$out/migrations_embed.c" "-DFILES=$migrations" \
    -P "$root/cmake/EmbedMigrations.cmake"

# shellcheck disable=SC2046 # pkg-config prints several words on purpose
${CC:-cc} -std=c17 -O2 -g -D_POSIX_C_SOURCE=200809L \
    -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
    -Wformat=2 -Wno-unused-parameter \
    -I"$root/common/include" -I"$root/server/store" \
    "$root"/server/store/store*.c "$root/common/job_state.c" \
    "$out/migrations_embed.c" "$root/common/error.c" "$root/common/xmalloc.c" \
    "$root/bench/bench_store_jobs.c" \
    $(pkg-config --cflags --libs sqlite3 json-c) \
    -o "$out/bench_store_jobs"

echo "built $out/bench_store_jobs ($(nproc) CPUs, $(uname -m))"
exec "$out/bench_store_jobs" "$@"
