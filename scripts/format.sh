#!/usr/bin/env bash
# Formats C sources with clang-format 14: the files named, or every C file
# git knows or would add (tracked, or new and not ignored). --check only
# reports (and fails on a difference).
#   scripts/format.sh [--check] [FILE...]
set -euo pipefail
mode=(-i)
if [ "${1:-}" = "--check" ]; then
	mode=(--dry-run --Werror)
	shift
fi
if [ $# -gt 0 ]; then
	exec clang-format "${mode[@]}" -- "$@"
fi
cd "$(dirname "$0")/.."
git ls-files -z --cached --others --exclude-standard '*.c' '*.h' |
	xargs -0 -r clang-format "${mode[@]}"
