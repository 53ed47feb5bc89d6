#!/usr/bin/env bash
# Issue 7 on the real SLURM sandbox: a Hydra multirun sweep launched as ONE
# Slurm job array. A 4-task sweep completes with each task having received
# exactly its own overrides (from each task's log), its progress is listed,
# the poller stays at two Slurm commands per cycle while it runs; a bad
# task is refused before anything is stored; a sweep throttled to one task
# at a time is cancelled (one task alone first) and ends all CANCELLED;
# a restarted daemon adopts an array it had not recorded; a sweep larger
# than the cluster's MaxArraySize is refused naming the limit, with nothing
# stored; and a SIGKILL during a sweep's upload loses no task. On cluster
# $TC (sandbox.sh).
# Runs once per Slurm version.
. "$(dirname "$0")/lib.sh"
itest_init sweep
. "$(dirname "$0")/sandbox.sh"

sandbox_config
"$MLOPSD" --reconnect-max 2
m() { "$MLOPS" --no-autostart "$@"; }
wait_for 20 "$TC connects" '[ "$(cluster_state "$TC")" = connected ]'

# A toy project that prints its argv between markers, then sleeps; its
# Hydra config types every key the sweeps use.
repo="$T/src/toy"
mkdir -p "$repo/conf"
cat >"$repo/train.py" <<'PY'
import os, sys, time
print("JOB", os.environ.get("MLOPS_JOB_ID"))
print("ARGS-BEGIN")
for a in sys.argv[1:]:
    print(repr(a))
print("ARGS-END", flush=True)
opts = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
time.sleep(float(opts.get("sleep", "0")))
PY
cat >"$repo/conf/config.yaml" <<'YAML'
lr: 0.1
seed: 0
tag: base
sleep: 0
YAML
git -C "$repo" init -q -b main
git -C "$repo" add train.py conf
git -C "$repo" commit -q -m toy
m project add "$repo" >/dev/null
tag="t$$"

sweep_json() { m --json jobs --sweep "$1"; }
progress() { # SWEEP FIELD
	sweep_json "$1" | json "j['sweep']['$2']"
}
n_jobs() { m --json jobs --limit 1000 | json 'len(j)'; }
poll() { m --json status | json "[c['poll_$1'] for c in j['clusters'] if c['name']=='$TC'][0]"; }

# --- a bad task is refused before anything is stored ------------------------
n0=$(n_jobs)
expect_status 1 "a sweep with a value of the wrong type is refused" \
	m launch toy --cluster "$TC" --partition cpu --sweep -- lr=0.1,fast 'seed=range(0,2)'
check "...naming the task and the override" grep -q "task 2 (lr=fast seed=0)" <<<"$ERR"
check "...and the field" grep -q "overrides" <<<"$ERR"
check "nothing stored for it" [ "$(n_jobs)" = "$n0" ]

# --- a 4-task sweep completes, each task with exactly its overrides ---------
expect_status 0 "launch --sweep of lr x seed" \
	m launch toy --cluster "$TC" --partition cpu --sweep --description "sweep $tag" \
	-- lr=0.1,0.01 'seed=range(0,2)' sleep=6 "tag=$tag"
sid=$OUT
check "it prints the sweep id ($sid)" grep -Eq '^[0-9]+$' <<<"$sid"
check "...and says it is one array of 4 tasks" grep -q "4 tasks" <<<"$ERR"
check "4 tasks in the history" [ "$(sweep_json "$sid" | json 'len(j["jobs"])')" = 4 ]
array=$(progress "$sid" slurm_job_id)
check "one Slurm array ($array)" grep -Eq '^[0-9]+$' <<<"$array"
check "task ids are <array>_<i>" [ "$(sweep_json "$sid" | json '" ".join(x["slurm_job_id"] for x in j["jobs"])')" = "${array}_0 ${array}_1 ${array}_2 ${array}_3" ]

wait_for 60 "the sweep runs" '[ "$(progress "$sid" running)" -ge 1 ]'
c0=$(poll cycles)
k0=$(poll commands)
wait_for 30 "two poll cycles pass while it runs" '[ "$(poll cycles)" -ge $((c0 + 2)) ]'
c1=$(poll cycles)
k1=$(poll commands)
check "at most two Slurm commands per cycle ($((k1 - k0)) in $((c1 - c0)) cycles)" \
	[ $((k1 - k0)) -le $((2 * (c1 - c0))) ]
expect_status 0 "jobs --sweep while it runs" m jobs --sweep "$sid"
check "...prints its progress" grep -Eq "^sweep $sid \(Slurm array $array\): 4 tasks: [0-9]+ pending, [0-9]+ running" <<<"$OUT"

wait_for 120 "the sweep completes" '[ "$(progress "$sid" done)" = True ]'
t0=$(sweep_json "$sid" | json "j['jobs'][0]['id']")
name=$(m job show "$t0" | sed -n 's/^#SBATCH --job-name=//p')
arrays=$(sandbox_ssh "$TC" sacct -n -X -P --name "$name" -S now-1days -o JobID | sed 's/_.*//' | sort -u | tr '\n' ' ')
check "ONE sbatch: the cluster has one array of that name ($arrays)" [ "$arrays" = "$array " ]
check "4 completed, none failed" [ "$(sweep_json "$sid" | json '(j["sweep"]["completed"], j["sweep"]["failed"], j["sweep"]["cancelled"])')" = "(4, 0, 0)" ]
expect_status 0 "jobs --sweep" m jobs --sweep "$sid"
check "...prints 4 done" grep -q "0 pending, 0 running, 4 done, 0 failed, 0 cancelled" <<<"$OUT"
check "...one row per task" [ "$(grep -c "COMPLETED" <<<"$OUT")" = 4 ]

seen=""
for i in 0 1 2 3; do
	id=$(sweep_json "$sid" | json "j['jobs'][$i]['id']")
	want=$(sweep_json "$sid" | json "'\n'.join(repr(o) for o in j['jobs'][$i]['overrides'])")
	expect_status 0 "logs of task $i (job $id)" m logs "$id"
	got=$(sed -n '/^ARGS-BEGIN$/,/^ARGS-END$/p' <<<"$OUT" | sed '1d;$d')
	check "task $i received exactly its own overrides" [ "$got" = "$want" ]
	check "task $i ran as its own job (MLOPS_JOB_ID=$id)" grep -qx "JOB $id" <<<"$OUT"
	seen="$seen$(tr '\n' ' ' <<<"$got")|"
done
check "the 4 tasks are the cartesian product" [ "$seen" = "'lr=0.1' 'seed=0' 'sleep=6' 'tag=$tag' |'lr=0.1' 'seed=1' 'sleep=6' 'tag=$tag' |'lr=0.01' 'seed=0' 'sleep=6' 'tag=$tag' |'lr=0.01' 'seed=1' 'sleep=6' 'tag=$tag' |" ]
id2=$(sweep_json "$sid" | json "j['jobs'][2]['id']")
expect_status 0 "job show of a task" m job show "$id2"
check "...shows its sweep id" grep -Eq "^sweep_id: +$sid\$" <<<"$OUT"
check "...and its array task id" grep -Eq "^array_task_id: +2\$" <<<"$OUT"
check "...and the array's script" grep -q -- "--array=0-3" <<<"$OUT"
check "job show --json: the task's validated overrides" \
	[ "$(m --json job show "$id2" | json '" ".join(j["resolved_overrides"])')" = "lr=0.01 seed=0 sleep=6 tag=$tag" ]

# --- cancel: one task alone, then the whole sweep ----------------------------
expect_status 0 "launch a sweep throttled to one task at a time" \
	m launch toy --cluster "$TC" --partition cpu --sweep --max-parallel 1 \
	--description "cancel $tag" -- 'seed=range(0,4)' sleep=300
cid=$OUT
carray=$(progress "$cid" slurm_job_id)
check "its script throttles the array" grep -q -- "--array=0-3%1" <<<"$(m job show "$(sweep_json "$cid" | json "j['jobs'][0]['id']")")"
task_state() { sweep_json "$cid" | json "j['jobs'][$1]['state']"; }
wait_for 60 "task 0 runs" '[ "$(task_state 0)" = RUNNING ]'
wait_for 30 "the others wait for it" '[ "$(progress "$cid" pending)" = 3 ]'
t3=$(sweep_json "$cid" | json "j['jobs'][3]['id']")
expect_status 0 "cancel one pending task" m cancel "$t3"
check "...as its own Slurm id" grep -q "slurm ${carray}_3" <<<"$OUT"
wait_for 30 "only that task is CANCELLED" '[ "$(task_state 3)" = CANCELLED ]'
check "...task 0 still runs" [ "$(task_state 0)" = RUNNING ]
check "...tasks 1 and 2 still wait" [ "$(task_state 1) $(task_state 2)" = "PENDING PENDING" ]
expect_status 0 "cancel --sweep" m --json cancel --sweep "$cid"
check "...returns the 4 tasks" [ "$(json 'len(j["tasks"])' <<<"$OUT")" = 4 ]
wait_for 60 "every task ends CANCELLED" '[ "$(progress "$cid" cancelled)" = 4 ]'
check "jobs --sweep: 4 cancelled, nothing else" [ "$(sweep_json "$cid" | json '[x["state"] for x in j["jobs"]]')" = "['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']" ]
expect_status 1 "cancelling an ended sweep is refused" m cancel --sweep "$cid"
check "...saying it ended" grep -q "already ended" <<<"$ERR"

# --- a daemon that died after sbatch answered, before it recorded the array --
# Rewinds the cancelled sweep's rows to SUBMITTING with no Slurm id, as a
# crash right after sbatch leaves them: the restarted poller must find the
# array by its name and give every task its id back, without a new sbatch.
db() { # SQL: runs it on the stopped daemon's database (python3's sqlite3)
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]): print(*r)
c.commit()' "$XDG_STATE_HOME/mlops/mlops.db" "$1"
}
itest_stop_daemon
db "UPDATE jobs SET state = 'SUBMITTING', slurm_job_id = NULL, reason = NULL WHERE sweep_id = $cid"
db "UPDATE sweeps SET slurm_job_id = NULL WHERE id = $cid"
check "the sweep looks unsubmitted" [ "$(db "SELECT count(*) FROM jobs WHERE sweep_id = $cid AND state = 'SUBMITTING'")" = 4 ]
"$MLOPSD" --reconnect-max 2
wait_for 20 "$TC connects again" '[ "$(cluster_state "$TC")" = connected ]'
wait_for 60 "after the restart the array is found by its name" '[ "$(progress "$cid" slurm_job_id)" = "$carray" ]'
check "every task has its Slurm id back" [ "$(sweep_json "$cid" | json '" ".join(x["slurm_job_id"] for x in j["jobs"])')" = "${carray}_0 ${carray}_1 ${carray}_2 ${carray}_3" ]
wait_for 60 "and ends CANCELLED again" '[ "$(progress "$cid" cancelled)" = 4 ]'
check "the daemon says it adopted the array" grep -q "sweep $cid: found on $TC as Slurm array $carray" "$XDG_STATE_HOME/mlops/mlopsd.log"

# --- larger than MaxArraySize ---------------------------------------------------
max=$(sandbox_ssh "$TC" scontrol show config | sed -n 's/^MaxArraySize *= *//p')
check "the sandbox's MaxArraySize is $max" [ -n "$max" ]
n0=$(n_jobs)
expect_status 1 "a sweep of $((max + 1)) tasks is refused" \
	m launch toy --cluster "$TC" --partition cpu --sweep -- "seed=range(0,$((max + 1)))"
check "...naming the limit" grep -q "MaxArraySize of $TC ($max)" <<<"$ERR"
expect_status 1 "...also as a dry run" \
	m launch toy --cluster "$TC" --partition cpu --sweep --dry-run -- "seed=range(0,$((max + 1)))"
check "nothing stored for it" [ "$(n_jobs)" = "$n0" ]
expect_status 0 "a sweep of exactly $max tasks passes the check (dry run)" \
	m launch toy --cluster "$TC" --partition cpu --sweep --dry-run -- "seed=range(0,$max)"
check "...with the array spec" grep -q -- "--array=0-$((max - 1))\$" <<<"$OUT"
check "...and still nothing stored" [ "$(n_jobs)" = "$n0" ]

# --- SIGKILL right after a sweep launch: no task lost, no array twice ---------
# A large file makes the upload slow enough for the kill to land while the
# tasks are SUBMITTING.
head -c 40M /dev/urandom >"$repo/blob.bin"
git -C "$repo" add blob.bin
git -C "$repo" commit -q -m blob
pid=$(itest_daemon_pid)
m launch toy --cluster "$TC" --partition cpu --sweep --description "kill $tag" \
	-- 'seed=range(0,3)' sleep=1 >/dev/null 2>&1 &
for _ in $(seq 200); do
	[ "$(m --json jobs --search "kill $tag" 2>/dev/null | json 'len(j)' 2>/dev/null)" = 3 ] && break
	sleep 0.05
done
kill -KILL "$pid"
wait || true
"$MLOPSD" --reconnect-max 2
wait_for 120 "after restart no task is SUBMITTING" \
	'[ "$(m --json jobs --search "kill $tag" | json "sum(1 for x in j if x[\"state\"]==\"SUBMITTING\")")" = 0 ]'
check "the 3 tasks exist exactly once here" [ "$(m --json jobs --search "kill $tag" | json 'len(j)')" = 3 ]
kid=$(m --json jobs --search "kill $tag" | json 'j[0]["sweep_id"]')
states=$(sweep_json "$kid" | json '" ".join(sorted(set(x["state"] for x in j["jobs"])))')
check "its tasks were adopted or failed together ($states)" \
	[ "$states" = SUBMIT_FAILED -o -z "$(grep -o SUBMIT_FAILED <<<"$states")" ]
t0=$(sweep_json "$kid" | json "j['jobs'][0]['id']")
kname=$(m job show "$t0" | sed -n 's/^#SBATCH --job-name=//p')
on_cluster=$(sandbox_ssh "$TC" sacct -n -X -P --name "$kname" -S now-1days -o JobID | sed 's/_.*//' | sort -u | grep -c . || true)
check "at most one array on the cluster ($on_cluster)" [ "$on_cluster" -le 1 ]

itest_done
