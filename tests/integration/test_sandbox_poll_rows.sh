#!/usr/bin/env bash
# One unreadable squeue row never freezes a cluster: 21 jobs run on cluster
# $TC (sandbox.sh) while the cluster's squeue prints one of them with an
# exit code no parser can read. The 20 others are tracked to COMPLETED, the
# odd one keeps its last state (neither LOST nor a guessed end) while
# Slurm says it completed, the error is `mlops status`'s last poll error
# with the command and line, and once squeue prints the row properly again
# the job completes and the error clears.
#
# The odd row comes from a wrapper in ~/bin of the cluster's user, found
# first by login shells (Debian's ~/.profile puts ~/bin on PATH), as a
# site's wrapper would be: the test's cluster entry sets use_login_shell.
# The wrapper changes only the rows of the Slurm ids listed in
# ~/.mlops-test-odd-rows, so other tests are never affected by it.
# Runs once per Slurm version.
. "$(dirname "$0")/lib.sh"
itest_init pollrows
. "$(dirname "$0")/sandbox.sh"

odd_list=.mlops-test-odd-rows.$$
# The cluster's squeue, with field 14 (exit_code) of the listed jobs'
# rows replaced; everything else as printed, and its exit status kept.
wrapper_install squeue <<EOF
#!/bin/sh
# test_sandbox_poll_rows.sh: squeue with unreadable exit codes for the jobs
# listed in ~/$odd_list (removed with it).
out=\$(/usr/bin/squeue "\$@")
rc=\$?
if [ -s "\$HOME/$odd_list" ]; then
	printf '%s\n' "\$out" | awk -F'|' -v OFS='|' '
		NR == FNR { odd[\$1] = 1; next }
		NF >= 16 && (\$2 in odd) { \$14 = "exit?" }
		{ print }' "\$HOME/$odd_list" -
else
	printf '%s\n' "\$out"
fi
exit \$rc
EOF
WRAPPER_FILES="$WRAPPER_FILES $odd_list"
wrapped_start squeue
m() { "$MLOPS" --no-autostart "$@"; }
sleeper_project
tag="t$$"
field() { m --json job show "$1" | json "j['$2']"; }
status_field() { m --json status | json "[c['$1'] for c in j['clusters'] if c['name']=='wrapped'][0]"; }

# The odd one first, so that its row is odd before any of them ends.
odd=$(m launch toy --cluster wrapped --partition cpu --description "odd $tag" -- sleep=8)
wait_for 30 "the odd job has its Slurm id" '[ -n "$(field "$odd" slurm_job_id)" ] && [ "$(field "$odd" slurm_job_id)" != None ]'
odd_sid=$(field "$odd" slurm_job_id)
sandbox_ssh "$TC" "echo $odd_sid >$odd_list"
wait_for 20 "a poll has seen it" '[ -n "$(status_field last_poll_error)" ] && [ "$(status_field last_poll_error)" != None ]'
before=$(field "$odd" state)
check "the odd job is live ($before)" grep -Eq '^(PENDING|RUNNING)$' <<<"$before"

good=()
for i in $(seq 20); do
	good+=("$(m launch toy --cluster wrapped --partition cpu --description "good $tag $i" -- sleep=1)")
done
check "20 more jobs launched" [ "${#good[@]}" = 20 ]
done_count() { m --json jobs --search "good $tag" --limit 100 | json 'sum(1 for x in j if x["state"]=="COMPLETED")'; }
wait_for 120 "the 20 readable jobs are all COMPLETED" '[ "$(done_count)" = 20 ]'
wait_for 60 "Slurm says the odd job COMPLETED" \
	'[ "$(sandbox_ssh "$TC" sacct -n -X -P -j "$odd_sid" -o State)" = COMPLETED ]'
sleep 5 # two more poll cycles
check "the odd job keeps its last state ($(field "$odd" state))" [ "$(field "$odd" state)" = "$before" ]
err=$(status_field last_poll_error)
check "status shows the poll error: $err" grep -q "^squeue: job $odd_sid: line [0-9]*: exit_code: .*exit?" <<<"$err"
check "...and when the last successful poll was (before the last poll)" \
	python3 -c 'import sys; ok, last = sys.argv[1:]; sys.exit(not (ok == "None" or ok < last))' \
	"$(status_field last_poll_ok_at)" "$(status_field last_poll_at)"
expect_status 0 "status (text)" m status
check "...lists the poll error" grep -q "wrapped (last successful poll .*): squeue: job $odd_sid: line" <<<"$OUT"
log="$XDG_STATE_HOME/mlops/mlopsd.log"
check "the daemon log names the cluster, the command and the job" \
	grep -q "cluster wrapped: poll: squeue: 1 row(s) that cannot be read (jobs $odd_sid; they keep" "$log"
check "...and the row's error" grep -q "cluster wrapped: poll: squeue: job $odd_sid: line [0-9]*: exit_code: " "$log"

sandbox_ssh "$TC" "rm -f $odd_list"
wait_for 30 "once the row reads again the odd job is COMPLETED" '[ "$(field "$odd" state)" = COMPLETED ]'
wait_for 20 "and the poll error clears" '[ "$(status_field last_poll_error)" = None ]'

itest_done
