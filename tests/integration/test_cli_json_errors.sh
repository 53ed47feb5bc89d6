#!/usr/bin/env bash
# Issue 9, CLI errors a script can read: with --json every failure prints
# exactly one {"error": {"code", "field", "message"}} document on stdout,
# keeps its exit code, and still says why on stderr. Usage errors (exit 2,
# EUSAGE; --json before or after the command, or after the bad option),
# an unreachable daemon (exit 3), an unknown project (exit 1, ENOTFOUND),
# an unknown Hydra override key (field "overrides", refused by the daemon
# before anything contacts the cluster, which here does not even exist).
. "$(dirname "$0")/lib.sh"
itest_init json-errors

# error_is CODE FIELD: $OUT is exactly one JSON document, the error object
# with exactly code, field and message, with this code and field ("null"
# for none); its message is $ERR's first line without "mlops: ".
error_is() {
	python3 - "$1" "$2" "$ERR" "$OUT" <<'PY'
import json, sys
code, field, err, out = sys.argv[1:]
doc = json.loads(out)  # fails on anything but one document
assert list(doc) == ["error"], doc
e = doc["error"]
assert sorted(e) == ["code", "field", "message"], e
assert e["code"] == code, (e["code"], code)
assert e["field"] == (None if field == "null" else field), (e["field"], field)
first = err.splitlines()[0]
assert first == "mlops: " + e["message"], (first, e["message"])
assert out.count("\n") <= 1, "more than one line"
PY
}
message() { json 'j["error"]["message"]' <<<"$OUT"; }

# --- usage errors: exit 2, EUSAGE ---------------------------------------------------
expect_status 2 "launch without PROJECT is a usage error" "$MLOPS" --json launch --cluster alpha
check "...as EUSAGE naming PROJECT" error_is EUSAGE PROJECT
check "...the usage line still on stderr" grep -q "^usage: mlops launch" <<<"$ERR"

expect_status 2 "an unknown option before --json" "$MLOPS" --bogus --json status
check "...is EUSAGE naming the option" error_is EUSAGE --bogus
expect_status 2 "an unknown option after the command, --json last" \
	"$MLOPS" jobs --bogus=1 --json
check "...names the option without its value" error_is EUSAGE --bogus
expect_status 2 "a bad option value, --json after the command" \
	"$MLOPS" jobs --limit x --json
check "...names --limit" error_is EUSAGE --limit
check "...with the reason" grep -q "not a positive whole number: 'x'" <<<"$(message)"
expect_status 2 "a missing option argument" "$MLOPS" --json logs 1 --tail
check "...names --tail" error_is EUSAGE --tail
expect_status 2 "an unknown command" "$MLOPS" --json frobnicate
check "...names COMMAND" error_is EUSAGE COMMAND
check "...and the command" grep -q "unknown command 'frobnicate'" <<<"$(message)"
expect_status 2 "a missing subcommand" "$MLOPS" project --json
check "...names SUBCOMMAND" error_is EUSAGE SUBCOMMAND
expect_status 2 "too many arguments" "$MLOPS" --json status extra
check "...has no field" error_is EUSAGE null
expect_status 2 "without --json a usage error" "$MLOPS" launch --cluster alpha
check "...prints nothing on stdout" [ -z "$OUT" ]
expect_status 2 "an override spelled --json" "$MLOPS" launch --cluster alpha -- --json
check "...does not turn JSON on" [ -z "$OUT" ]

# --- an unreachable daemon: exit 3 ----------------------------------------------------
expect_status 3 "--no-autostart and no daemon" "$MLOPS" --no-autostart --json status
check "...is EUNREACHABLE" error_is EUNREACHABLE null
check "...naming the socket" grep -q "$SOCK" <<<"$(message)"
expect_status 3 "a socket URL where nothing listens" \
	"$MLOPS" --connect "ipc://$T/nothing.sock" project list --json
check "...is EUNREACHABLE" error_is EUNREACHABLE null
check "...naming that socket" grep -q "$T/nothing.sock" <<<"$(message)"
expect_status 2 "a URL nng cannot dial" "$MLOPS" --json --connect "nosuch://x" status
check "...is a usage error naming --connect" error_is EUSAGE --connect
check "no daemon was started by any of that" [ ! -S "$SOCK" ]

# --- errors of the daemon: exit 1 -----------------------------------------------------
# A cluster nothing answers for: the Hydra check comes before any contact.
cat >"$XDG_CONFIG_HOME/mlops/clusters.yaml" <<'YAML'
clusters:
  - name: alpha
    host: mlops@127.0.0.1
    port: 1
    workspace: /tmp/ws
YAML
expect_status 0 "autostart" "$MLOPS" --json project list

expect_status 1 "show of an unknown project" "$MLOPS" --json project show nope
check "...is ENOTFOUND" error_is ENOTFOUND null
check "...naming it" grep -q "nope" <<<"$(message)"
expect_status 1 "launch of an unknown project" "$MLOPS" launch nope --cluster alpha --json
check "...is ENOTFOUND on field project" error_is ENOTFOUND project
check "...naming it" grep -q "nope" <<<"$(message)"
expect_status 1 "an unknown job" "$MLOPS" --json job show 999
check "...is ENOTFOUND" error_is ENOTFOUND null
check "...naming the id" grep -q "999" <<<"$(message)"
expect_status 1 "logs of an unknown job" "$MLOPS" --json logs 999
check "...is ENOTFOUND too" [ "$(json 'j["error"]["code"]' <<<"$OUT")" = ENOTFOUND ]

repo="$T/src/toy"
mkdir -p "$repo/conf"
echo "print('hi')" >"$repo/train.py"
printf 'lr: 0.1\nseed: 1\n' >"$repo/conf/config.yaml"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" commit -q -m toy
expect_status 0 "project add" "$MLOPS" project add "$repo"
expect_status 1 "an unknown override key" \
	"$MLOPS" --json launch toy --cluster alpha -- lrr=1
check "...is EINVAL on field overrides" error_is EINVAL overrides
check "...naming the key" grep -q "lrr" <<<"$(message)"
check "...and the one meant" grep -q "lr" <<<"$(message)"
expect_status 0 "nothing was recorded" "$MLOPS" --json jobs
check "...no job" [ "$(json 'len(j)' <<<"$OUT")" = 0 ]
expect_status 1 "an unknown cluster" "$MLOPS" --json launch toy --cluster beta -- lr=1
check "...is ENOTFOUND on field cluster" error_is ENOTFOUND cluster

# The same failures without --json: stdout stays empty, stderr unchanged.
expect_status 1 "without --json the daemon's error" "$MLOPS" project show nope
check "...prints nothing on stdout" [ -z "$OUT" ]
check "...and says why on stderr" grep -q "^mlops: project show: .*nope" <<<"$ERR"

itest_done
