# Shared by the test_sandbox_* scripts: finds the SLURM sandbox that
# tests/sandbox/up started and fails (never skips) when it is not there.
# Source after lib.sh and itest_init.

SANDBOX_DIR=${MLOPS_SANDBOX_DIR:-/var/tmp/mlops-sandbox}
if [ ! -r "$SANDBOX_DIR/sandbox.env" ]; then
	echo "not ok - the SLURM sandbox is not up ($SANDBOX_DIR/sandbox.env missing): run tests/sandbox/up" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
# shellcheck source=/dev/null
. "$SANDBOX_DIR/sandbox.env"
CTL=$MLOPS_SOURCE_DIR/tests/sandbox/ctl

# The cluster a test that runs once per Slurm version is on: ctest sets
# MLOPS_TEST_CLUSTER (alpha: Slurm 22.05, gamma: 24.11; tests/CMakeLists.txt).
# The two have the same shape, so only names differ. TC is the cluster,
# TC_NODE1/TC_NODE2 its GPU nodes, TC_WS its workspace, TC_VERSION the
# Slurm version its commands print.
TC=${MLOPS_TEST_CLUSTER:-alpha}
case " $MLOPS_SANDBOX_CLUSTERS " in
*" $TC "*) ;;
*)
	echo "not ok - cluster $TC is not in this sandbox (${MLOPS_SANDBOX_CLUSTERS}): was it brought up with --no-$TC?" >&2
	echo "0 passed, 1 failed"
	exit 1
	;;
esac
# sb NAME: the sandbox.env fact MLOPS_SANDBOX_<TC>_NAME.
sb() {
	local v="MLOPS_SANDBOX_${TC^^}_$1"
	printf '%s' "${!v}"
}
read -r TC_NODE1 TC_NODE2 _ <<<"$(sb NODES)"
TC_WS=$(sb WORKSPACE)
TC_VERSION=$(sb SLURM_VERSION)

# sandbox_config [EXTRA_YAML]: the sandbox's clusters.yaml (plus extra
# entries) as this test's daemon configuration.
sandbox_config() {
	cp "$MLOPS_SANDBOX_CLUSTERS_YAML" "$XDG_CONFIG_HOME/mlops/clusters.yaml"
	if [ -n "${1:-}" ]; then
		printf '%s\n' "$1" >>"$XDG_CONFIG_HOME/mlops/clusters.yaml"
	fi
}

# sandbox_ssh CLUSTER CMD...: run CMD as the cluster user.
sandbox_ssh() {
	local c=$1 port
	shift
	port=$(eval echo "\$MLOPS_SANDBOX_${c^^}_SSH_PORT")
	ssh -q -i "$MLOPS_SANDBOX_CLIENT_KEY" -p "$port" \
		-o UserKnownHostsFile="$MLOPS_SANDBOX_KNOWN_HOSTS" -o BatchMode=yes \
		mlops@127.0.0.1 "$@"
}

# wait_for SECONDS DESCRIPTION 'SHELL CONDITION': evaluates the condition
# (in this shell, so functions work) until it holds; counts as one check.
wait_for() {
	local secs=$1 what=$2 cond=$3 deadline
	deadline=$((SECONDS + secs))
	until eval "$cond" >/dev/null 2>&1; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			not_ok "$what (not within ${secs}s)"
			return 0
		fi
		sleep 0.5
	done
	ok "$what"
}

# cluster_state NAME: its state in `mlops status --json`.
cluster_state() {
	"$MLOPS" --no-autostart --json status |
		json "[c['state'] for c in j['clusters'] if c['name']=='$1'][0]"
}

# wrapper_install PROGRAM: ~/bin/PROGRAM of $TC's user from stdin, as a
# site's wrapper of a Slurm command would be: login shells find it first
# (Debian's ~/.profile puts ~/bin on PATH), other shells never do. Removed
# (with WRAPPER_FILES, paths relative to the user's home) when the test
# exits.
WRAPPER_FILES=""
wrapper_install() {
	sandbox_ssh "$TC" "mkdir -p bin && cat >bin/$1 && chmod 755 bin/$1"
	WRAPPER_FILES="$WRAPPER_FILES bin/$1"
	trap 'sandbox_ssh "$TC" "rm -f $WRAPPER_FILES; rmdir bin 2>/dev/null || true" || true; itest_cleanup' EXIT
}

# wrapped_start PROGRAM: this test's daemon with one cluster, "wrapped": $TC
# through a login shell (use_login_shell), polled every 2 s; checks that
# the login shell finds the wrapper of PROGRAM.
wrapped_start() {
	cat >"$XDG_CONFIG_HOME/mlops/clusters.yaml" <<YAML
clusters:
  - name: wrapped
    host: mlops@127.0.0.1
    port: $(sb SSH_PORT)
    ssh_key_path: $MLOPS_SANDBOX_CLIENT_KEY
    known_hosts: $MLOPS_SANDBOX_KNOWN_HOSTS
    workspace: $TC_WS
    allowed_partitions: [gpu, cpu]
    use_login_shell: true
    poll_interval: 2
YAML
	"$MLOPSD" --reconnect-max 2
	wait_for 20 "the wrapped $TC connects" '[ "$(cluster_state wrapped)" = connected ]'
	check "the login shell finds the $1 wrapper" \
		[ "$(sandbox_ssh "$TC" bash -lc "'command -v $1'")" = "$(sandbox_ssh "$TC" 'echo $HOME')/bin/$1" ]
}

# sleeper_project: project "toy", whose train.py sleeps for the seconds of
# its override sleep=N.
sleeper_project() {
	local repo="$T/src/toy"
	mkdir -p "$repo"
	printf 'import sys, time\ntime.sleep(float(sys.argv[1].split("=")[1]))\n' >"$repo/train.py"
	git -C "$repo" init -q -b main
	git -C "$repo" add train.py
	git -C "$repo" commit -q -m toy
	"$MLOPS" --no-autostart project add "$repo" >/dev/null
}
