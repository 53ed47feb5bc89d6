#!/usr/bin/env bash
# More launch paths on the real SLURM sandbox: a 2-node job whose every
# rank agrees on MASTER_ADDR, code_sync: git (refused until the commit is
# on origin, then cloned at that exact commit on the login node), and a
# cluster reached through ssh-agent instead of a key file.
. "$(dirname "$0")/lib.sh"
itest_init modes
. "$(dirname "$0")/sandbox.sh"

# ssh-agent holding the sandbox key; the "agent" cluster names no key file
# and HOME has none, so only the agent can authenticate it.
eval "$(ssh-agent -s)" >/dev/null
agent_pid=$SSH_AGENT_PID
ssh-add -q "$MLOPS_SANDBOX_CLIENT_KEY"
sandbox_config "  - name: agent
    host: mlops@127.0.0.1
    port: $MLOPS_SANDBOX_BETA_SSH_PORT
    known_hosts: $MLOPS_SANDBOX_KNOWN_HOSTS
    workspace: /home/mlops/ws-beta
    poll_interval: 2
    gpu_cache_ttl: 3"
"$MLOPSD" --reconnect-max 2
m() { "$MLOPS" --no-autostart "$@"; }
wait_for 20 "alpha connects" '[ "$(cluster_state alpha)" = connected ]'
wait_for 20 "a cluster authenticated by ssh-agent connects" '[ "$(cluster_state agent)" = connected ]'
expect_status 0 "cluster check through the agent" m cluster check agent

# --- multi-node ------------------------------------------------------------
repo="$T/src/ranks"
mkdir -p "$repo"
cat >"$repo/train.py" <<'PY'
import os, socket
print("RANK %s/%s on %s MASTER=%s:%s" % (
    os.environ.get("SLURM_PROCID"), os.environ.get("SLURM_NTASKS"),
    socket.gethostname(), os.environ.get("MASTER_ADDR"),
    os.environ.get("MASTER_PORT")), flush=True)
PY
git -C "$repo" init -q -b main
git -C "$repo" add train.py
git -C "$repo" commit -q -m ranks
m project add "$repo" >/dev/null 2>&1
expect_status 0 "a 2-node job, 1 GPU per node, completes" \
	m launch ranks --cluster alpha --nodes 2 --gpus a100:1 --description "ranks $$" --wait
id=$(m --json jobs --search "ranks $$" | json 'j[0]["id"]')
out=$(sandbox_ssh alpha cat "$(m --json job show "$id" | json 'j["stdout_path"]')")
check "two ranks ran" [ "$(grep -c '^RANK ' <<<"$out")" = 2 ]
check "ranks 0 and 1" [ "$(grep -o '^RANK [0-9]*' <<<"$out" | sort | tr '\n' ' ')" = "RANK 0 RANK 1 " ]
check "on two different nodes" [ "$(grep -o ' on [a-z0-9-]*' <<<"$out" | sort -u | wc -l)" = 2 ]
check "all ranks agree on MASTER_ADDR:PORT" [ "$(grep -o 'MASTER=.*' <<<"$out" | sort -u | wc -l)" = 1 ]
check "MASTER_ADDR is the first node" grep -q "MASTER=a-node1:" <<<"$out"
check "the node list has two nodes" \
	[ "$(m --json job show "$id" | json 'j["node_list"]')" = "a-node[1-2]" ]

# --- code_sync: git ------------------------------------------------------------
origin="$T/origin.git"
git init -q --bare "$origin"
chmod -R a+rX "$T" "$origin"
repo2="$T/src/gitsync"
mkdir -p "$repo2"
printf 'print("from the clone")\n' >"$repo2/train.py"
printf 'code_sync: git\n' >"$repo2/.mlops-config.yaml"
git -C "$repo2" init -q -b main
git -C "$repo2" add -A
git -C "$repo2" commit -q -m one
git -C "$repo2" remote add origin "$origin"
# The origin stands for a shared remote the cluster user can read: it is
# owned by that user (git refuses repositories of another owner), and our
# pushes to it say so explicitly.
git config --global --add safe.directory "$origin" # HOME is the test's
push() {
	git -C "$repo2" push -q -u origin main
	chown -R mlops: "$origin"
}
push
printf 'print("newer")\n' >>"$repo2/train.py"
git -C "$repo2" commit -q -am two
m project add "$repo2" >/dev/null 2>&1
expect_status 1 "code_sync git refuses a commit that is not on origin" \
	m launch gitsync --cluster alpha --partition cpu
check "...saying to push" grep -q "push" <<<"$ERR"
push
m project sync gitsync >/dev/null 2>&1
expect_status 0 "after the push it launches and completes" \
	m launch gitsync --cluster alpha --partition cpu --description "git $$" --wait
id=$(m --json jobs --search "git $$" | json 'j[0]["id"]')
wd=$(m --json job show "$id" | json 'j["work_dir"]')
check "the clone is at the exact commit" \
	[ "$(sandbox_ssh alpha git -C "$wd/code" rev-parse HEAD)" = "$(git -C "$repo2" rev-parse HEAD)" ]
check "and ran it" grep -q "newer" <<<"$(sandbox_ssh alpha cat "$wd/stdout.log")"

kill "$agent_pid" 2>/dev/null || true
itest_done
