#!/usr/bin/env bash
# Issue 4 on the real SLURM sandbox: a job that completes, one that exits 3,
# one cancelled while running, one refused by sbatch, one pending on busy
# GPUs with its reason, a dirty tree refused then accepted, a daemon killed
# with SIGKILL right after a launch, and the poller's command count with 20
# live jobs, on cluster $TC (sandbox.sh) while the daemon also watches the
# sandbox's other clusters.
# Runs once per Slurm version.
. "$(dirname "$0")/lib.sh"
itest_init jobs
. "$(dirname "$0")/sandbox.sh"

sandbox_config
"$MLOPSD" --reconnect-max 2
m() { "$MLOPS" --no-autostart "$@"; }
wait_for 20 "$TC connects" '[ "$(cluster_state "$TC")" = connected ]'

# A project whose "training" obeys its overrides: exit=N, sleep=S, and it
# prints every argument it got, one per line, between markers.
repo="$T/src/toy"
mkdir -p "$repo"
cat >"$repo/train.py" <<'PY'
import sys, time
print("ARGS-BEGIN")
for a in sys.argv[1:]:
    print(repr(a))
print("ARGS-END")
opts = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
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

# --- completes, and every override arrives as one unchanged argument -------
hostile='lr=$(touch /tmp/pwned-'"$tag"') `id` ; echo "x" '"'"'y'"'"' * ~'
expect_status 0 "launch --wait of a job that exits 0" \
	m launch toy --cluster "$TC" --partition cpu --description "ok $tag" --wait -- exit=0 "$hostile" 'multi
line'
id_ok=$(m --json jobs --search "ok $tag" | json 'j[0]["id"]')
check "state COMPLETED" [ "$(state_of "$id_ok")" = COMPLETED ]
check "exit code 0" [ "$(job_field "$id_ok" exit_code)" = 0 ]
check "node list recorded" [ -n "$(job_field "$id_ok" node_list)" ]
check "start time recorded" [ "$(job_field "$id_ok" started_at)" != None ]
check "end time recorded" [ "$(job_field "$id_ok" ended_at)" != None ]
check "slurm id recorded" [ -n "$(job_field "$id_ok" slurm_job_id)" ]
out=$(sandbox_ssh "$TC" cat "$(job_field "$id_ok" stdout_path)")
check "the hostile override arrived unchanged" \
	grep -qF "$(python3 -c 'import sys; print(repr(sys.argv[1]))' "$hostile")" <<<"$out"
check "the newline override arrived as one argument" grep -qF "'multi\\nline'" <<<"$out"
check "nothing ran from the override" [ ! -e "/tmp/pwned-$tag" ]
check "job dir is <workspace>/<project>/<id>-<sha7>" \
	[ "$(job_field "$id_ok" work_dir)" = "$TC_WS/toy/$id_ok-$(git -C "$repo" rev-parse --short=7 HEAD)" ]
expect_status 0 "job show prints the sbatch script" m job show "$id_ok"
check "...with the job name" grep -Eq "job-name=mlops-[0-9a-f]{8}-$id_ok\$" <<<"$OUT"

# --- exits 3 ----------------------------------------------------------------
expect_status 3 "launch --wait of a job that exits 3 exits 3" \
	m launch toy --cluster "$TC" --partition cpu --description "fail $tag" --wait -- exit=3
id_fail=$(m --json jobs --search "fail $tag" | json 'j[0]["id"]')
check "state FAILED" [ "$(state_of "$id_fail")" = FAILED ]
check "exit code 3" [ "$(job_field "$id_fail" exit_code)" = 3 ]

# --- cancelled while running ----------------------------------------------------
id_cancel=$(m launch toy --cluster "$TC" --partition cpu --description "cancel $tag" -- sleep=300)
wait_for 60 "long job runs" '[ "$(state_of "$id_cancel")" = RUNNING ]'
expect_status 0 "mlops cancel" m --json cancel "$id_cancel"
wait_for 15 "state comes back CANCELLED" '[ "$(state_of "$id_cancel")" = CANCELLED ]'

# --- refused by sbatch ----------------------------------------------------------
expect_status 1 "an impossible request is refused" \
	m launch toy --cluster "$TC" --gpus a100:8 --description "refused $tag"
check "...with sbatch's own words" grep -q "Requested node configuration is not available" <<<"$ERR"
check "...recorded as SUBMIT_FAILED" \
	[ "$(m --json jobs --search "refused $tag" | json 'j[0]["state"]')" = SUBMIT_FAILED ]

# --- validation names the field, nothing stored ----------------------------------
n_before=$(m --json jobs --limit 1000 | json 'len(j)')
expect_status 1 "a partition outside allowed_partitions" m launch toy --cluster "$TC" --partition debug
check "...names the field" grep -q "partition" <<<"$ERR"
expect_status 1 "a GPU type the cluster lacks" m launch toy --cluster "$TC" --gpus h100:1
check "...names the field" grep -q "gpu_type" <<<"$ERR"
expect_status 1 "a bad time limit" m launch toy --cluster "$TC" --time 25:99:00
check "...names the field" grep -q "time" <<<"$ERR"
check "no job recorded for refused requests" [ "$(m --json jobs --limit 1000 | json 'len(j)')" = "$n_before" ]

# --- pending on busy GPUs ---------------------------------------------------------
b1=$(sandbox_ssh "$TC" sbatch --parsable -p gpu -w "$TC_NODE1" --gres=gpu:a100:4 -t 10 --wrap "'sleep 300'")
b2=$(sandbox_ssh "$TC" sbatch --parsable -p gpu -w "$TC_NODE2" --gres=gpu:a100:2 -t 10 --wrap "'sleep 300'")
id_pend=$(m launch toy --cluster "$TC" --gpus a100:1 --description "pend $tag" -- sleep=1)
wait_for 30 "a job waiting for busy GPUs is PENDING" '[ "$(state_of "$id_pend")" = PENDING ]'
wait_for 30 "...with Slurm's reason (Resources or Priority)" \
	'job_field "$id_pend" reason | grep -Eq "Resources|Priority"'
wait_for 60 "job show asks Slurm for the expected start (squeue --start)" \
	'[ "$(job_field "$id_pend" expected_start)" != None ]'
expect_status 0 "jobs shows the reason" m jobs --search "pend $tag"
check "...beside the state" grep -Eq "PENDING \((Resources|Priority)\)" <<<"$OUT"
sandbox_ssh "$TC" scancel "$b1" "$b2"
wait_for 60 "it runs once the GPUs free up" '[ "$(m --json job show "$id_pend" | json "j[\"terminal\"] or j[\"state\"]==\"RUNNING\"")" = True ]'

# --- dirty tree ----------------------------------------------------------------------
sed -i "1i print('DIRTY-$tag')" "$repo/train.py"
expect_status 1 "a dirty tree is refused" m launch toy --cluster "$TC" --partition cpu
check "...saying --allow-dirty" grep -q -- "--allow-dirty" <<<"$ERR"
expect_status 0 "...and accepted with --allow-dirty" \
	m launch toy --cluster "$TC" --partition cpu --allow-dirty --description "dirty $tag" --wait
id_dirty=$(m --json jobs --search "dirty $tag" | json 'j[0]["id"]')
check "the uncommitted change ran on the cluster" \
	grep -q "DIRTY-$tag" <<<"$(sandbox_ssh "$TC" cat "$(job_field "$id_dirty" stdout_path)")"
check "the job records the dirty tree" [ "$(job_field "$id_dirty" dirty)" = True ]
git -C "$repo" checkout -q train.py

# --- SIGKILL right after a launch ---------------------------------------------------
pid=$(itest_daemon_pid)
m launch toy --cluster "$TC" --partition cpu --description "kill $tag" -- sleep=1 >/dev/null 2>&1 &
for _ in $(seq 200); do
	[ "$(m --json jobs --search "kill $tag" 2>/dev/null | json 'len(j)' 2>/dev/null)" = 1 ] && break
	sleep 0.05
done
kill -KILL "$pid"
wait || true
"$MLOPSD" --reconnect-max 2
wait_for 120 "after restart the job is no longer SUBMITTING" \
	'[ "$(m --json jobs --search "kill $tag" | json "j[0][\"state\"]")" != SUBMITTING ]'
check "it exists exactly once here" [ "$(m --json jobs --search "kill $tag" | json 'len(j)')" = 1 ]
id_kill=$(m --json jobs --search "kill $tag" | json 'j[0]["id"]')
name_kill=$(m job show "$id_kill" | sed -n 's/^#SBATCH --job-name=//p')
check "job names carry the daemon's instance id ($name_kill)" grep -Eq "^mlops-[0-9a-f]{8}-$id_kill\$" <<<"$name_kill"
on_cluster=$(sandbox_ssh "$TC" sacct -n -X -P --name "$name_kill" -S now-1days -o JobID | grep -c . || true)
check "and at most once on the cluster ($on_cluster)" [ "$on_cluster" -le 1 ]

# --- poll cost with 20 live jobs ------------------------------------------------------
ids=()
for i in $(seq 20); do
	ids+=("$(m launch toy --cluster "$TC" --partition cpu --description "many $tag $i" -- sleep=600)")
done
check "20 jobs launched" [ "${#ids[@]}" = 20 ]
poll() { m --json status | json "[c['poll_$1'] for c in j['clusters'] if c['name']=='$TC'][0]"; }
c0=$(poll cycles)
k0=$(poll commands)
wait_for 30 "two more poll cycles pass" '[ "$(poll cycles)" -ge $((c0 + 2)) ]'
c1=$(poll cycles)
k1=$(poll commands)
check "at most two Slurm commands per cycle ($((k1 - k0)) in $((c1 - c0)) cycles)" \
	[ $((k1 - k0)) -le $((2 * (c1 - c0))) ]
for id in "${ids[@]}"; do m cancel "$id" >/dev/null 2>&1 || true; done
wait_for 60 "all 20 cancelled" '[ "$(m --json jobs --search "many $tag" --limit 100 | json "sum(1 for x in j if x[\"state\"]!=\"CANCELLED\")")" = 0 ]'

itest_done
