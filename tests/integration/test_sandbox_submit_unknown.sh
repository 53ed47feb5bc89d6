#!/usr/bin/env bash
# Only a refusal sbatch states is a failure. On cluster $TC (sandbox.sh),
# behind a site's sbatch wrapper:
# - a wrapper that prints notice lines around the id: the job takes its id
#   at once and runs to COMPLETED;
# - a wrapper whose answer is lost (it queues the job but prints nothing
#   readable): `mlops launch` answers with the job still SUBMITTING and
#   says why, then the daemon finds the job by its name among this user's
#   jobs and tracks it to COMPLETED, and Slurm holds it exactly once;
# - a real refusal through the wrapper is still SUBMIT_FAILED in sbatch's
#   own words.
#
# The wrapper is ~/bin/sbatch of the cluster's user, found first by login
# shells (Debian's ~/.profile puts ~/bin on PATH): the test's cluster entry
# sets use_login_shell. Its mode comes from a file named after this test's
# pid, so other tests and clusters never meet it.
# Runs once per Slurm version.
. "$(dirname "$0")/lib.sh"
itest_init submitunknown
. "$(dirname "$0")/sandbox.sh"

mode=.mlops-test-sbatch-mode.$$
wrapper_install sbatch <<EOF
#!/bin/sh
# test_sandbox_submit_unknown.sh: sbatch as a site might wrap it, per the
# mode in ~/$mode (removed with it); without it, sbatch itself.
m=\$(cat "\$HOME/$mode" 2>/dev/null)
case "\$m" in
notice)
	echo "NOTICE: jobs on this site are accounted to project demo"
	/usr/bin/sbatch "\$@"
	rc=\$?
	echo "You have 1234 GPU hours left."
	exit \$rc ;;
lost)
	/usr/bin/sbatch "\$@" >/dev/null
	echo "Submitted."
	exit 0 ;;
*)
	exec /usr/bin/sbatch "\$@" ;;
esac
EOF
WRAPPER_FILES="$WRAPPER_FILES $mode"
wrapped_start sbatch
m() { "$MLOPS" --no-autostart "$@"; }
sleeper_project
tag="t$$"
field() { m --json job show "$1" | json "j['$2']"; }
name_of() { m job show "$1" | sed -n 's/^#SBATCH --job-name=//p'; }
on_cluster() { # JOB_NAME: the Slurm ids of that name, one per line
	sandbox_ssh "$TC" sacct -n -X -P --name "$1" -S now-1days -o JobID
}

# --- notice lines around the id ------------------------------------------------
sandbox_ssh "$TC" "echo notice >$mode"
expect_status 0 "a launch through a wrapper that prints notices" \
	m --json launch toy --cluster wrapped --partition cpu --description "notice $tag" -- sleep=1
id=$(json 'j["id"]' <<<"$OUT")
sid=$(json 'j["slurm_job_id"]' <<<"$OUT")
check "...takes its Slurm id at once ($sid)" grep -Eq '^[0-9]+$' <<<"$sid"
name=$(name_of "$id")
# (accounting may take a moment to hear of a new job)
wait_for 20 "...which is the job Slurm has under its name" '[ "$(on_cluster "$name")" = "$sid" ]'
wait_for 60 "...and it is tracked to COMPLETED" '[ "$(field "$id" state)" = COMPLETED ]'

# --- the answer is lost --------------------------------------------------------
sandbox_ssh "$TC" "echo lost >$mode"
expect_status 0 "a launch whose sbatch answer is lost" \
	m launch toy --cluster wrapped --partition cpu --description "lost $tag" -- sleep=1
id=$OUT
check "...answers with the job id ($id)" grep -Eq '^[0-9]+$' <<<"$id"
check "...and warns that the outcome is not known yet" \
	grep -q "job $id: sbatch's answer is not one job id: .*the daemon is looking for it on wrapped" <<<"$ERR"
state=$(field "$id" state)
check "...the job is SUBMITTING or already found ($state), never SUBMIT_FAILED" \
	grep -Eq '^(SUBMITTING|PENDING|RUNNING|COMPLETING|COMPLETED)$' <<<"$state"
wait_for 60 "the daemon finds it and tracks it to COMPLETED" '[ "$(field "$id" state)" = COMPLETED ]'
name=$(name_of "$id")
found=$(field "$id" slurm_job_id)
wait_for 20 "Slurm holds it exactly once, under the id the daemon found ($found)" \
	'[ "$(on_cluster "$name")" = "$found" ]'
check "the daemon log says it was found" \
	grep -q "job $id: found on wrapped as Slurm job $found" "$XDG_STATE_HOME/mlops/mlopsd.log"

# --- a refusal through the wrapper is still a failure --------------------------
sandbox_ssh "$TC" "rm -f $mode"
expect_status 1 "an impossible request through the wrapper is refused" \
	m launch toy --cluster wrapped --gpus a100:8 --description "refused $tag"
check "...in sbatch's own words" grep -q "Requested node configuration is not available" <<<"$ERR"
check "...recorded as SUBMIT_FAILED" \
	[ "$(m --json jobs --search "refused $tag" | json 'j[0]["state"]')" = SUBMIT_FAILED ]

itest_done
