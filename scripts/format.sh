#!/usr/bin/env bash
# Formats the C sources with clang-format 14; --check only reports.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(-i)
if [ "${1:-}" = "--check" ]; then
	mode=(--dry-run --Werror)
fi
git ls-files '*.c' '*.h' | xargs -r clang-format "${mode[@]}"
