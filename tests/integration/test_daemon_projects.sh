#!/usr/bin/env bash
# Issue 2 end to end: a real mlopsd in a temp dir with a private socket,
# driven by the real mlops. Autostart, project add/list/show/sync/remove,
# refusals, a restart that keeps the projects, the single-instance lock,
# socket permissions, 32 concurrent clients x 200 requests, and 1,000
# malformed messages.
. "$(dirname "$0")/lib.sh"
itest_init projects

cat >"$XDG_CONFIG_HOME/mlops/clusters.yaml" <<'YAML'
clusters:
  - name: alpha
    host: mlops@127.0.0.1
    port: 1
    workspace: /tmp/ws
YAML

# No daemon yet: the CLI starts one.
expect_status 0 "autostart on first use" "$MLOPS" --json project list
check "empty project list is []" [ "$(echo "$OUT" | json 'len(j)')" = 0 ]
check "socket exists" [ -S "$SOCK" ]
check "socket is mode 0600" [ "$(stat -c %a "$SOCK")" = 600 ]
check "socket dir is mode 0700" [ "$(stat -c %a "$(dirname "$SOCK")")" = 700 ]
pid=$(itest_daemon_pid)
check "daemon pid recorded" kill -0 "$pid"

expect_status 1 "a second daemon on the same socket refuses to start" \
	"$MLOPSD" --foreground
check "...saying another one runs" grep -q "already running" <<<"$ERR"

# --no-autostart on a dead socket is exit 3.
expect_status 3 "unreachable daemon is exit 3" \
	"$MLOPS" --connect "ipc://$T/nothing.sock" status

repo="$T/src/my-proj"
make_repo "$repo"
head=$(git -C "$repo" rev-parse HEAD)

expect_status 0 "project add" "$MLOPS" project add "$repo"
expect_status 0 "project list --json" "$MLOPS" --json project list
check "one project" [ "$(echo "$OUT" | json 'len(j)')" = 1 ]
check "name defaults to the folder" [ "$(echo "$OUT" | json 'j[0]["name"]')" = my-proj ]
check "commit equals git rev-parse HEAD" [ "$(echo "$OUT" | json 'j[0]["commit"]')" = "$head" ]
check "branch is main" [ "$(echo "$OUT" | json 'j[0]["branch"]')" = main ]
check "clean tree" [ "$(echo "$OUT" | json 'j[0]["dirty"]')" = False ]
check "no upstream: ahead unknown (null)" [ "$(echo "$OUT" | json 'j[0]["ahead"]')" = None ]
check "default train_script" [ "$(echo "$OUT" | json 'j[0]["config"]["train_script"]')" = train.py ]

expect_status 1 "duplicate name refused" "$MLOPS" project add "$repo"
check "...naming the name" grep -qi "name" <<<"$ERR"

mkdir -p "$T/plain"
expect_status 1 "non-git path refused" "$MLOPS" project add "$T/plain" --name plain
check "...saying it is not a git work tree" grep -q "not a git work tree" <<<"$ERR"
expect_status 1 "missing path refused" "$MLOPS" project add "$T/nope"

expect_status 1 "bad name refused" "$MLOPS" project add "$repo" --name 'x;rm -rf'
check "...naming the field" grep -q "name" <<<"$ERR"

# A second project with a config file, an unknown key, and a detached HEAD.
repo2="$T/src/other"
make_repo "$repo2"
cat >"$repo2/.mlops-config.yaml" <<'YAML'
conda_env: torch
train_script: src/train.py
default_overrides: [trainer.max_epochs=3]
colour: blue
env:
  WANDB_PROJECT: demo
YAML
git -C "$repo2" add .mlops-config.yaml
git -C "$repo2" commit -q -m config
git -C "$repo2" checkout -q --detach HEAD
expect_status 0 "detached HEAD is accepted" "$MLOPS" project add "$repo2" --name other
check "...with a note about it" grep -qi "detached" <<<"$ERR"
check "...and the unknown key warned with line and column" grep -q ":4:1" <<<"$ERR"
expect_status 0 "project show --json" "$MLOPS" --json project show other
check "config read" [ "$(echo "$OUT" | json 'j["config"]["conda_env"]')" = torch ]
check "env read" [ "$(echo "$OUT" | json 'j["config"]["env"]["WANDB_PROJECT"]')" = demo ]
check "detached flag" [ "$(echo "$OUT" | json 'j["detached"]')" = True ]

# A config with a type error is refused with line and column; the stored
# record is untouched.
printf 'install_editable: [1, 2]\n' >"$repo/.mlops-config.yaml"
expect_status 1 "config type error refused on sync" "$MLOPS" project sync my-proj
check "...with file:line:column" grep -q ".mlops-config.yaml:1:19" <<<"$ERR"
expect_status 0 "project still listed after the failed sync" "$MLOPS" --json project show my-proj
check "...with its old commit" [ "$(echo "$OUT" | json 'j["commit"]')" = "$head" ]
rm "$repo/.mlops-config.yaml"

# Sync picks up a new commit and a dirty tree.
echo "x = 1" >>"$repo/train.py"
git -C "$repo" commit -qam second
echo "y = 2" >>"$repo/train.py"
head2=$(git -C "$repo" rev-parse HEAD)
expect_status 0 "project sync" "$MLOPS" --json project sync my-proj
check "sync sees the new commit" [ "$(echo "$OUT" | json 'j["commit"]')" = "$head2" ]
check "sync sees the dirty tree" [ "$(echo "$OUT" | json 'j["dirty"]')" = True ]

# 32 clients x 200 requests, each answer checked.
check "32 concurrent clients x 200 requests" \
	"$MLOPS_BUILD_DIR/tests/mlops_stress" concurrent "$URL" 32 200 my-proj
# 1,000 malformed, truncated and wrong-version messages; still answering.
check "1000 malformed messages, daemon still answers" \
	"$MLOPS_BUILD_DIR/tests/mlops_stress" malformed "$URL" 1000
check "daemon process survived" kill -0 "$pid"

# Restart keeps the projects.
check "SIGTERM stops the daemon" itest_stop_daemon
check "socket removed on shutdown" [ ! -S "$SOCK" ]
"$MLOPSD" # detaches once it listens
expect_status 0 "list after restart" "$MLOPS" --no-autostart --json project list
check "both projects survived the restart" [ "$(echo "$OUT" | json 'len(j)')" = 2 ]
check "...with the synced commit" [ "$(echo "$OUT" | json '[p["commit"] for p in j if p["name"]=="my-proj"][0]')" = "$head2" ]

expect_status 0 "project remove" "$MLOPS" project remove other
expect_status 1 "show of a removed project fails" "$MLOPS" project show other
check "...as not found" grep -qi "not found\|no project" <<<"$ERR"

expect_status 0 "status" "$MLOPS" --json status
check "status lists the cluster" [ "$(echo "$OUT" | json 'j["clusters"][0]["name"]')" = alpha ]
expect_status 0 "cluster list --json" "$MLOPS" --json cluster list
check "cluster port" [ "$(echo "$OUT" | json 'j[0]["port"]')" = 1 ]

itest_done
