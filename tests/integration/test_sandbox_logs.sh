#!/usr/bin/env bash
# Job logs and W&B run links on the real SLURM sandbox: a job waiting for
# GPUs has no output yet (a clear message, and --follow waits for it);
# --follow prints a "\r" progress bar as its last state and exits with the
# job's exit code; --tail 3; --json lines of the chunks read, with an end
# object under --follow; the W&B run URL from a self-hosted
# "View run" line is stored and shown, a project URL never is; a 200 MiB
# output costs a tail read, not a transfer; two clients following one job
# share the daemon's reads. The daemon's log-reader counters come from
# the LogStats of a reply, which `mlops --debug` prints. On cluster $TC
# (sandbox.sh).
# Runs once per Slurm version.
. "$(dirname "$0")/lib.sh"
itest_init logs
. "$(dirname "$0")/sandbox.sh"

sandbox_config
"$MLOPSD" --reconnect-max 2
m() { "$MLOPS" --no-autostart "$@"; }
wait_for 20 "$TC connects" '[ "$(cluster_state "$TC")" = connected ]'

# The "training": mode=progress prints W&B lines, a progress bar redrawn
# with "\r" and five lines; mode=big writes 200 MiB of lines with its run
# URL on stderr only (as wandb itself does); mode=tick prints a line every
# 0.2 s. Then it sleeps sleep=S and exits with exit=N.
repo="$T/src/toy"
mkdir -p "$repo"
cat >"$repo/train.py" <<'PY'
import os, sys, time
opts = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
mode = opts.get("mode", "progress")
run = os.environ.get("WANDB_RUN_ID", "r0")
if mode == "progress":
    print("wandb: \u2b50\ufe0f View project at: https://wandb.ai/acme/proj", flush=True)
    print("\x1b[34m\x1b[1mwandb\x1b[0m: \U0001f680 View run fancy-run at: "
          "\x1b[34m\x1b[4mhttps://wandb.example.org/acme/proj/runs/%s\x1b[0m" % run,
          flush=True)
    for i in range(11):
        sys.stdout.write("\rprogress %d%%" % (i * 10))
        sys.stdout.flush()
        time.sleep(0.1)
    sys.stdout.write("\n")
    for i in range(1, 6):
        print("line %d" % i, flush=True)
elif mode == "big":
    print("wandb: \U0001f680 View run big at: https://wandb.ai/acme/proj/runs/big-%s" % run,
          file=sys.stderr, flush=True)
    sys.stdout.flush()
    os.system("yes 'a line of output, 40 bytes long........' | head -c 209715200")
    print("the very last line", flush=True)
elif mode == "tick":
    for i in range(int(opts.get("n", "30"))):
        print("tick %d" % i, flush=True)
        time.sleep(0.2)
time.sleep(float(opts.get("sleep", "0")))
sys.exit(int(opts.get("exit", "0")))
PY
git -C "$repo" init -q -b main
git -C "$repo" add train.py
git -C "$repo" commit -q -m toy
m project add "$repo" >/dev/null
tag="t$$"

job_field() { # ID FIELD
	m --json job show "$1" | json "j['$2']"
}
state_of() { job_field "$1" state; }
terminal() { [ "$(job_field "$1" terminal)" = True ]; }
# logstat JOB NAME: one of the daemon's LogStats counters, from a --debug
# request for nothing (--tail 0) of JOB's stdout.
logstat() {
	m --debug logs "$1" --tail 0 2>&1 >/dev/null |
		awk -v k="$2" '$1 == k":" { v = $2 } END { print v + 0 }'
}

# --- no output before the job starts; --follow waits for it ------------------
b1=$(sandbox_ssh "$TC" sbatch --parsable -p gpu -w "$TC_NODE1" --gres=gpu:a100:4 -t 10 --wrap "'sleep 300'")
b2=$(sandbox_ssh "$TC" sbatch --parsable -p gpu -w "$TC_NODE2" --gres=gpu:a100:2 -t 10 --wrap "'sleep 300'")
id_pend=$(m launch toy --cluster "$TC" --gpus a100:1 --description "pend $tag" -- mode=progress exit=4)
wait_for 30 "a job waiting for GPUs is PENDING" '[ "$(state_of "$id_pend")" = PENDING ]'
expect_status 1 "logs of a job not started yet fails" m logs "$id_pend"
check "...saying so: $ERR" grep -q "job $id_pend has no stdout yet (it is PENDING)" <<<"$ERR"
check "...without an error dump" [ "$(wc -l <<<"$ERR")" = 1 ]
expect_status 1 "with --json too" m logs "$id_pend" --json
check "...as an ENOTFOUND error object" [ "$(json 'j["error"]["code"]' <<<"$OUT")" = ENOTFOUND ]
check "...with the same message" [ "mlops: $(json 'j["error"]["message"]' <<<"$OUT")" = "$ERR" ]
expect_status 1 "the same for --stderr" m logs "$id_pend" --stderr
check "...naming stderr" grep -q "has no stderr yet" <<<"$ERR"
m logs "$id_pend" --follow >"$T/pend.out" 2>"$T/pend.err" &
follow_pid=$!
sleep 3
check "--follow is still waiting" kill -0 "$follow_pid"
check "...and said why" grep -q "has no stdout yet (it is PENDING); waiting" "$T/pend.err"
sandbox_ssh "$TC" scancel "$b1" "$b2"
st=0
wait "$follow_pid" || st=$?
check "--follow ends with the job's exit code 4 ($st)" [ "$st" = 4 ]
check "...having printed its whole output" grep -q "^line 5$" "$T/pend.out"

# --- --follow: progress bars as their last state, the job's exit code ---------
id_a=$(m launch toy --cluster "$TC" --partition cpu --description "prog $tag" -- mode=progress sleep=2 exit=3)
expect_status 3 "logs --follow exits with the job's exit code 3" m logs "$id_a" --follow
check "state FAILED" [ "$(state_of "$id_a")" = FAILED ]
printf '%s\n' "$OUT" >"$T/a.out"
check "the progress bar shows its last state" grep -qx "progress 100%" "$T/a.out"
check "...and none of the earlier ones" [ "$(grep -c "progress" "$T/a.out")" = 1 ]
check "every line is there" [ "$(grep -c "^line [1-5]$" "$T/a.out")" = 5 ]
raw=$(sandbox_ssh "$TC" cat "$(job_field "$id_a" stdout_path)" | tr '\r' '\n' | grep -c progress || true)
check "(the file itself holds 11 states: $raw)" [ "$raw" = 11 ]
expect_status 0 "logs without --follow" m logs "$id_a"
check "...prints the same" [ "$OUT" = "$(cat "$T/a.out")" ]

# --- --tail ------------------------------------------------------------------------
expect_status 0 "logs --tail 3" m logs "$id_a" --tail 3
check "...prints the last 3 lines" [ "$OUT" = "$(printf 'line 3\nline 4\nline 5')" ]
expect_status 0 "logs --tail 100 of a short file" m logs "$id_a" --tail 100
check "...prints all of it" [ "$OUT" = "$(cat "$T/a.out")" ]
expect_status 2 "--tail needs a number" m logs "$id_a" --tail x

# --- --json: JSON lines of the chunks read ------------------------------------------
# chunks FILE [RAW]: FILE's lines are chunk objects with contiguous offsets,
# perhaps then one end object; prints "LINES FIRST_OFFSET NEXT_OFFSET END"
# (END the end object as compact JSON, or -). With RAW, the chunks' data
# joined must be RAW's text.
chunks() {
	python3 - "$@" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
objs = [json.loads(l) for l in lines]
end = objs.pop() if objs and "end" in objs[-1] else None
assert all("end" not in o for o in objs), "end before the last line"
first = objs[0]["offset"] if objs else -1
nxt = first
for o in objs:
    assert sorted(o) == ["bytes", "data", "offset", "stream"], o
    assert o["offset"] == nxt, (o["offset"], nxt)
    assert len(o["data"].encode()) == o["bytes"], o
    nxt = o["offset"] + o["bytes"]
if len(sys.argv) > 2:
    raw = open(sys.argv[2], "rb").read().decode()
    assert "".join(o["data"] for o in objs) == raw, "data differs from the file"
print(len(lines), first, nxt,
      json.dumps(end, separators=(",", ":")) if end else "-")
PY
}
sandbox_ssh "$TC" cat "$(job_field "$id_a" stdout_path)" >"$T/a.raw"
a_size=$(stat -c %s "$T/a.raw")
expect_status 0 "logs --json" m logs "$id_a" --json
printf '%s\n' "$OUT" >"$T/a.jsonl"
read -r _ first next end <<<"$(chunks "$T/a.jsonl" "$T/a.raw" || echo x)"
check "...chunks from 0 to the file's end ($first..$next of $a_size)" [ "$first.$next" = "0.$a_size" ]
check "...whose data is the file as it is, \\r included" grep -q '\\rprogress 100%' "$T/a.jsonl"
check "...on stdout" [ "$(json 'j["stream"]' <<<"$(head -n1 "$T/a.jsonl")")" = stdout ]
check "...with no end object without --follow" [ "$end" = - ]
expect_status 3 "logs --json --follow exits with the job's exit code 3" m logs "$id_a" --json --follow
printf '%s\n' "$OUT" >"$T/af.jsonl"
read -r _ first next end <<<"$(chunks "$T/af.jsonl" "$T/a.raw" || echo x)"
check "...the same chunks ($first..$next)" [ "$first.$next" = "0.$a_size" ]
check "...then the end: $end" [ "$end" = '{"end":true,"stream":"stdout","state":"FAILED","exit_code":3}' ]
expect_status 0 "logs --json --tail 3" m logs "$id_a" --json --tail 3
check "...is one chunk of the last 3 lines" \
	[ "$(json 'j["data"]' <<<"$OUT")" = "$(printf 'line 3\nline 4\nline 5')" ]
check "...ending at the file's end" [ "$(json 'j["offset"] + j["bytes"]' <<<"$OUT")" = "$a_size" ]
expect_status 0 "logs --json --stderr" m logs "$id_a" --json --stderr
check "...is of stderr" [ "$(printf '%s' "$OUT" | python3 -c \
	'import json,sys; print(all(json.loads(l)["stream"] == "stderr" for l in sys.stdin))')" = True ]

# Followed from its launch: waits for the file, chunks as they come, the end.
id_j=$(m launch toy --cluster "$TC" --partition cpu --description "json $tag" -- mode=tick n=15 exit=0)
expect_status 0 "logs --json --follow of a running job exits 0" m logs "$id_j" --json --follow
printf '%s\n' "$OUT" >"$T/j.jsonl"
printf 'tick %d\n' $(seq 0 14) >"$T/j.want"
read -r n first next end <<<"$(chunks "$T/j.jsonl" "$T/j.want" || echo x)"
check "...its 15 lines in $((n - 1)) chunks from offset $first" [ "$first" = 0 -a "$n" -ge 2 ]
check "...then the end: $end" [ "$end" = '{"end":true,"stream":"stdout","state":"COMPLETED","exit_code":0}' ]

# --- the W&B run URL -------------------------------------------------------------------
run_id=$(job_field "$id_a" sbatch_script | sed -n 's/^export WANDB_RUN_ID=//p' | tr -d "'\"" | head -n1)
url=$(job_field "$id_a" wandb_url)
check "the run URL of the self-hosted View run line is stored ($url)" \
	grep -Eq "^https://wandb\.example\.org/acme/proj/runs/[^/]+$" <<<"$url"
[ -n "$run_id" ] && check "...with the job's WANDB_RUN_ID ($run_id)" [ "$url" = "https://wandb.example.org/acme/proj/runs/$run_id" ]
check "job show prints it" grep -q "wandb_url:.*$url" <<<"$(m job show "$id_a")"
check "jobs --json lists it" [ "$(m --json jobs --search "prog $tag" | json 'j[0]["wandb_url"]')" = "$url" ]
check "the pending job's URL too (from the --follow)" grep -q "/runs/" <<<"$(job_field "$id_pend" wandb_url)"

# --- 200 MiB of output costs a tail read -------------------------------------------------
id_big=$(m launch toy --cluster "$TC" --partition cpu --description "big $tag" -- mode=big)
wait_for 120 "the 200 MiB job ends" 'terminal "$id_big"'
check "...COMPLETED" [ "$(state_of "$id_big")" = COMPLETED ]
size=$(sandbox_ssh "$TC" stat -c %s "$(job_field "$id_big" stdout_path)")
check "its stdout is over 200 MiB ($size bytes)" [ "$size" -gt 209715200 ]
sleep 3 # let the poller's end-of-job scan run first
b0=$(logstat "$id_a" bytes)
t0=$SECONDS
expect_status 0 "logs --tail 3 of 200 MiB" m logs "$id_big" --tail 3
t1=$SECONDS
b1=$(logstat "$id_a" bytes)
check "...prints its last 3 lines" [ "$(tail -n1 <<<"$OUT")" = "the very last line" ]
check "...3 of them" [ "$(wc -l <<<"$OUT")" = 3 ]
check "...reading at most 1 MiB ($((b1 - b0)) bytes)" [ $((b1 - b0)) -le $((1024 * 1024 + 65536)) ]
check "...quickly ($((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]
wait_for 30 "the W&B URL printed on stderr only is found with no client reading it" \
	'grep -q "/runs/big-" <<<"$(job_field "$id_big" wandb_url)"'
sb=$(logstat "$id_a" scan_bytes)
check "the scans read a bounded amount ($sb bytes)" [ "$sb" -le $((4 * (4 * 1024 * 1024 + 65536))) ]

# --- two clients following one job share the reads -----------------------------------------
r0=$(logstat "$id_a" reads)
q0=$(logstat "$id_a" requests)
s0=$(logstat "$id_a" shared)
id_t=$(m launch toy --cluster "$TC" --partition cpu --description "tick $tag" -- mode=tick n=30 exit=0)
m logs "$id_t" --follow >"$T/t1.out" 2>"$T/t1.err" &
p1=$!
m logs "$id_t" --follow >"$T/t2.out" 2>"$T/t2.err" &
p2=$!
st1=0
st2=0
wait "$p1" || st1=$?
wait "$p2" || st2=$?
check "both followers exit 0 ($st1, $st2)" [ "$st1$st2" = 00 ]
check "...with all 30 lines" [ "$(grep -c '^tick' "$T/t1.out")" = 30 ]
check "...the same output" cmp -s "$T/t1.out" "$T/t2.out"
r1=$(logstat "$id_a" reads)
q1=$(logstat "$id_a" requests)
s1=$(logstat "$id_a" shared)
reads=$((r1 - r0))
reqs=$((q1 - q0 - 1))
shared=$((s1 - s0))
check "the two followers shared the reader ($reqs requests, $reads SFTP reads, $shared shared)" \
	[ "$shared" -gt 0 -a $((reads * 3)) -le $((reqs * 2)) ]

itest_done
