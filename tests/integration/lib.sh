# Shared helpers for the integration scripts: a private temp dir, XDG dirs,
# socket URL and daemon per test; assertions that count and report.
# Source it; then call `itest_init NAME`.

set -euo pipefail

: "${MLOPSD:?MLOPSD must point at the mlopsd binary}"
: "${MLOPS:?MLOPS must point at the mlops binary}"

itest_passed=0
itest_failed=0

itest_init() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/mlops-it-$1-XXXXXX")
	export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_STATE_HOME="$T/state"
	export XDG_RUNTIME_DIR="$T/run"
	mkdir -p "$HOME" "$XDG_CONFIG_HOME/mlops" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com
	export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
	unset MLOPS_CONNECT
	# A sanitizer report from any process (the detached daemon included)
	# lands here and fails the test.
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$T/sanitizer"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$T/sanitizer"
	export LSAN_OPTIONS="suppressions=$MLOPS_SOURCE_DIR/tests/lsan.supp:print_suppressions=0"
	URL="ipc://$XDG_RUNTIME_DIR/mlops/mlopsd.sock"
	SOCK="$XDG_RUNTIME_DIR/mlops/mlopsd.sock"
	trap itest_cleanup EXIT
}

itest_daemon_pid() {
	local lock="$SOCK.lock"
	[ -s "$lock" ] && head -n1 "$lock"
}

itest_stop_daemon() {
	local pid
	pid=$(itest_daemon_pid || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || return 0
			# a zombie counts as stopped
			[ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = Z ] && return 0
			sleep 0.1
		done
		echo "daemon $pid did not stop on SIGTERM" >&2
		kill -KILL "$pid" 2>/dev/null || true
		return 1
	fi
}

itest_cleanup() {
	itest_stop_daemon || true
	if [ "$itest_failed" -eq 0 ] && [ -z "${MLOPS_KEEP_TMP:-}" ]; then
		rm -rf "$T"
	else
		echo "kept $T for inspection" >&2
		[ -f "$XDG_STATE_HOME/mlops/mlopsd.log" ] &&
			tail -n 30 "$XDG_STATE_HOME/mlops/mlopsd.log" >&2
	fi
}

# A throwaway CA and certificates signed by it, in the current directory:
# NAME.pem and NAME.key.
tls_make_ca() { # NAME
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$1" 2>/dev/null
}
tls_make_cert() { # NAME CA [EXTFILE]
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
	openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial \
		-out "$1.pem" -days 2 ${3:+-extfile "$3"} 2>/dev/null
}

ok() {
	itest_passed=$((itest_passed + 1))
	echo "ok - $*"
}

not_ok() {
	itest_failed=$((itest_failed + 1))
	echo "not ok - $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# expect_status N DESCRIPTION COMMAND...: passes when the exit status is N;
# the command's stderr is kept in $ERR and stdout in $OUT.
expect_status() {
	local want=$1 what=$2 st=0
	shift 2
	OUT=$("$@" 2>"$T/stderr") || st=$?
	ERR=$(cat "$T/stderr")
	if [ "$st" -eq "$want" ]; then
		ok "$what"
	else
		not_ok "$what (exit $st, want $want; stderr: $ERR)"
	fi
}

# json EXPR: evaluates a python expression over the JSON on stdin (as j).
json() {
	python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"
}

itest_done() {
	itest_stop_daemon || not_ok "daemon stops on SIGTERM"
	local f
	for f in "$T"/sanitizer.*; do
		[ -e "$f" ] || continue
		not_ok "sanitizer report $(basename "$f")"
		cat "$f" >&2
	done
	echo "$itest_passed passed, $itest_failed failed"
	[ "$itest_failed" -eq 0 ]
}

# make_repo DIR: a git repo with one commit on main.
make_repo() {
	mkdir -p "$1"
	git -C "$1" init -q -b main
	echo "print('hi')" >"$1/train.py"
	git -C "$1" add train.py
	git -C "$1" commit -q -m "first"
}
