# shellcheck shell=bash disable=SC2034
# Shared definitions for tests/sandbox/{up,down,ctl}. Sourced, never run.
#
# Everything the sandbox creates lives under $DIR (see README.md); the only
# things outside it are the mlops user, its ~/.ssh/authorized_keys line, its
# workspaces /home/mlops/ws-<cluster>, and a marked block in /etc/hosts.

DIR=${MLOPS_SANDBOX_DIR:-/var/tmp/mlops-sandbox}
case $DIR in
/*) ;;
*)
	echo "mlops-sandbox: MLOPS_SANDBOX_DIR must be an absolute path: $DIR" >&2
	exit 2
	;;
esac
DIR=${DIR%/}
[[ -n $DIR ]] || {
	echo "mlops-sandbox: MLOPS_SANDBOX_DIR must not be /" >&2
	exit 2
}
# up marks the directories it owns; down touches (and --purge deletes) only such a one.
MARKER=.mlops-sandbox

# alpha and beta run Debian 12's Slurm (22.05) on the host; gamma runs
# Debian 13's (24.11) in a chroot of its own (chroot.sh), with its own munge,
# MariaDB, slurmdbd and sshd, so one daemon can watch both versions at once.
HOST_CLUSTERS=(alpha beta)
CHROOT_CLUSTERS=(gamma)
ALL_CLUSTERS=("${HOST_CLUSTERS[@]}" "${CHROOT_CLUSTERS[@]}")
# `up --no-gamma` (a quick local run, never CI) leaves this marker; the
# clusters up starts, writes to clusters.yaml and checks are then alpha and
# beta only. down always stops every cluster it finds running.
SKIP_MARKER=skip-chroot-clusters
set_clusters() {
	CLUSTERS=("${HOST_CLUSTERS[@]}")
	if [[ ! -e $DIR/$SKIP_MARKER ]]; then
		CLUSTERS+=("${CHROOT_CLUSTERS[@]}")
	fi
}
set_clusters
SSH_USER=mlops
SSH_USER_HOME=/home/$SSH_USER
DB_PORT=3307
DBD_PORT=16819
DBD_HOST=mlops-dbd
HOSTS_BEGIN="# BEGIN mlops-sandbox $DIR (tests/sandbox/up; removed by tests/sandbox/down)"
HOSTS_END="# END mlops-sandbox $DIR"
MUNGE_SOCKET=$DIR/munge/munge.socket.2

# Per-cluster topology. Node lists, ports and GPUs are fixed here so that the
# config files, sandbox.env, clusters.yaml and the README agree. gamma has
# alpha's shape (the same partitions, GPU types and counts), so a test can
# run one scenario on both Slurm versions and expect the same outcome.
declare -A SSH_PORT=(
	[alpha]=${MLOPS_SANDBOX_ALPHA_SSH_PORT:-22221}
	[beta]=${MLOPS_SANDBOX_BETA_SSH_PORT:-22222}
	[gamma]=${MLOPS_SANDBOX_GAMMA_SSH_PORT:-22223}
)
declare -A CTLD_PORT=([alpha]=16817 [beta]=26817 [gamma]=36817)
declare -A NODES=(
	[alpha]="a-node1 a-node2 a-cpu1" [beta]="b-node1 b-node2 b-cpu1"
	[gamma]="g-node1 g-node2 g-cpu1"
)
declare -A NODE_PORT=(
	[a-node1]=16831 [a-node2]=16832 [a-cpu1]=16833
	[b-node1]=26831 [b-node2]=26832 [b-cpu1]=26833
	[g-node1]=36831 [g-node2]=36832 [g-cpu1]=36833
)
# GPUs per node: "type:count ..." in device order (nvidia0, nvidia1, ...).
declare -A NODE_GPUS=(
	[a-node1]="a100:4" [a-node2]="a100:2 v100:2" [a-cpu1]=""
	[b-node1]="h100:2" [b-node2]="h100:2" [b-cpu1]=""
	[g-node1]="a100:4" [g-node2]="a100:2 v100:2" [g-cpu1]=""
)
declare -A GPU_TYPES=([alpha]="a100 v100" [beta]="h100" [gamma]="a100 v100")
# Partitions: "name|nodes|MaxTime|DefaultTime"; the first one is the default.
declare -A PARTITIONS=(
	[alpha]="gpu|a-node1,a-node2|1-00:00:00|01:00:00 cpu|a-cpu1|02:00:00|00:30:00"
	[beta]="gpu|b-node1,b-node2|12:00:00|01:00:00 cpu|b-cpu1|02:00:00|00:30:00"
	[gamma]="gpu|g-node1,g-node2|1-00:00:00|01:00:00 cpu|g-cpu1|02:00:00|00:30:00"
)
# beta stores job comments in accounting, alpha and gamma do not (like many
# sites).
declare -A STORE_JOB_COMMENT=([alpha]=0 [beta]=1 [gamma]=0)
NODE_CPUS=8
NODE_MEM_MB=32000

# The chroot cluster's own accounting (its MariaDB and slurmdbd).
declare -A CHROOT_DB_PORT=([gamma]=3308)
declare -A CHROOT_DBD_PORT=([gamma]=36819)
# Debian release of each chroot cluster, and the packages it holds (Slurm
# with accounting, munge, OpenSSH, and what jobs and launches use).
declare -A CHROOT_SUITE=([gamma]=trixie)
CHROOT_PACKAGES=(slurmctld slurmd slurm-client slurmdbd munge mariadb-server
	mariadb-client openssh-server python3 procps git ca-certificates)

log() { printf 'mlops-sandbox: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

is_chroot() { # CLUSTER: true for a cluster that runs in a chroot
	local c
	for c in "${CHROOT_CLUSTERS[@]}"; do
		[[ $c != "$1" ]] || return 0
	done
	return 1
}
# The root directory of a chroot cluster (on the host).
root_of() { printf '%s/%s/root\n' "$DIR" "$1"; }
# host_path CLUSTER PATH: where a path of the cluster's own file system is
# on the host (the same path for the host clusters).
host_path() {
	if is_chroot "$1"; then
		printf '%s%s\n' "$(root_of "$1")" "$2"
	else
		printf '%s\n' "$2"
	fi
}
conf_of() { # slurm.conf of CLUSTER, as a host path
	if is_chroot "$1"; then
		host_path "$1" /etc/slurm/slurm.conf
	else
		printf '%s/%s/etc/slurm.conf\n' "$DIR" "$1"
	fi
}
# The workspace of CLUSTER as jobs and its login node see it.
workspace_of() { printf '%s/ws-%s\n' "$SSH_USER_HOME" "$1"; }
jobcomp_of() { # jobcomp/filetxt log of CLUSTER, as a host path
	if is_chroot "$1"; then
		host_path "$1" /var/log/slurm/jobcomp.txt
	else
		printf '%s/log/%s-jobcomp.txt\n' "$DIR" "$1"
	fi
}

# slurm_run CLUSTER CMD...: a Slurm client command as root on CLUSTER (the
# chroot's own commands for a chroot cluster).
slurm_run() {
	local c=$1
	shift
	if is_chroot "$c"; then
		env -u SLURM_CONF chroot "$(root_of "$c")" "$@"
	else
		SLURM_CONF=$(conf_of "$c") "$@"
	fi
}

# cluster_of_node NODE -> prints the cluster name, fails if unknown.
cluster_of_node() {
	local c n
	for c in "${CLUSTERS[@]}"; do
		for n in ${NODES[$c]}; do
			if [[ $n == "$1" ]]; then
				printf '%s\n' "$c"
				return 0
			fi
		done
	done
	return 1
}

# Daemon list, in start order: "name" entries map to pid files
# run/<name>.pid. The host clusters share munged, MariaDB and slurmdbd; a
# chroot cluster has its own. Arguments: the clusters (default: CLUSTERS).
daemon_names() {
	local c n
	local -a cs=("$@")
	((${#cs[@]})) || cs=("${CLUSTERS[@]}")
	printf '%s\n' munged mariadb slurmdbd
	for c in "${cs[@]}"; do
		if is_chroot "$c"; then
			printf '%s\n' "$c-munged" "$c-mariadb" "$c-slurmdbd"
		fi
		printf '%s\n' "$c-slurmctld"
		for n in ${NODES[$c]}; do printf '%s\n' "$c-slurmd-$n"; done
		printf '%s\n' "$c-sshd"
	done
}

# proc_info PID: sets PROC_STATE (R, S, Z, ...) and PROC_START (start time,
# field 22 of /proc/PID/stat); fails when the process is gone. No forks: the
# checks run in loops.
proc_info() {
	local stat
	local -a f
	PROC_STATE='' PROC_START=''
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	read -r -a f <<<"${stat##*) }"
	PROC_STATE=${f[0]}
	PROC_START=${f[19]}
}

# daemon_pid NAME: sets DPID to the pid of a daemon started by up and
# running; fails if the pid file is missing, the process is gone or a zombie,
# or the pid now belongs to another process (start time differs).
daemon_pid() {
	local name=$1 start=''
	DPID=''
	read -r DPID 2>/dev/null <"$DIR/run/$name.pid" || return 1
	[[ $DPID =~ ^[0-9]+$ ]] || return 1
	proc_info "$DPID" || return 1
	[[ $PROC_STATE != Z && $PROC_STATE != X ]] || return 1
	read -r start 2>/dev/null <"$DIR/run/$name.start" || true
	[[ -z $start || $start == "$PROC_START" ]]
}

is_running() { daemon_pid "$1"; }

# descendants PID -> all descendant pids (children first level, then deeper).
descendants() {
	local -A kids=()
	local pid ppid queue=("$1") p
	while read -r pid ppid; do
		kids[$ppid]+="$pid "
	done < <(ps -e -o pid= -o ppid=)
	while ((${#queue[@]})); do
		p=${queue[0]}
		queue=("${queue[@]:1}")
		for pid in ${kids[$p]:-}; do
			printf '%s\n' "$pid"
			queue+=("$pid")
		done
	done
}

# stop_pids TIMEOUT PID... : SIGTERM, wait (zombies count as stopped), SIGKILL.
stop_pids() {
	local timeout=$1 pid left deadline
	shift
	(($#)) || return 0
	kill -TERM "$@" 2>/dev/null || true
	deadline=$((SECONDS + timeout))
	while :; do
		left=()
		for pid in "$@"; do
			if proc_info "$pid" && [[ $PROC_STATE != Z && $PROC_STATE != X ]]; then
				left+=("$pid")
			fi
		done
		((${#left[@]})) || return 0
		if ((SECONDS >= deadline)); then
			log "still running after ${timeout}s, sending SIGKILL: ${left[*]}"
			kill -KILL "${left[@]}" 2>/dev/null || true
			return 0
		fi
		sleep 0.1
	done
}

# stop_daemons TIMEOUT NAME...: stop the named daemons together; an sshd is
# stopped with its login sessions. Removes their pid files.
stop_daemons() {
	local timeout=$1 name pid pids=() names=()
	shift
	for name in "$@"; do
		if daemon_pid "$name"; then
			pid=$DPID
			names+=("$name")
			pids+=("$pid")
			if [[ $name == *-sshd ]]; then
				mapfile -t -O "${#pids[@]}" pids < <(descendants "$pid")
			fi
		fi
	done
	if ((${#names[@]})); then
		log "stopping ${names[*]}"
		stop_pids "$timeout" "${pids[@]}"
	fi
	for name in "$@"; do
		rm -f "$DIR/run/$name.pid" "$DIR/run/$name.start"
	done
}

# Pids of processes (other than the slurm daemons) whose environment carries
# one of the host clusters' SLURM_CONF paths: batch jobs, job steps,
# slurmstepd, and login sessions. They were all started through the
# sandbox's daemons.
sandbox_env_pids() {
	local f pid c comm pats=()
	for c in "${HOST_CLUSTERS[@]}"; do pats+=(-e "SLURM_CONF=$(conf_of "$c")"); done
	for f in /proc/[0-9]*/environ; do
		pid=${f#/proc/}
		pid=${pid%/environ}
		[[ $pid != "$$" && $pid != "$BASHPID" ]] || continue
		read -r comm 2>/dev/null <"/proc/$pid/comm" || continue
		case $comm in slurmctld | slurmd | slurmdbd) continue ;; esac
		if grep -qzxF "${pats[@]}" "$f" 2>/dev/null; then
			printf '%s\n' "$pid"
		fi
	done
}

# Pids of every process whose root directory is the chroot of CLUSTER.
chroot_pids() {
	local root f pid r
	root=$(root_of "$1")
	for f in /proc/[0-9]*/root; do
		pid=${f#/proc/}
		pid=${pid%/root}
		[[ $pid != "$$" && $pid != "$BASHPID" ]] || continue
		r=$(readlink "$f" 2>/dev/null) || continue
		[[ $r == "$root" ]] && printf '%s\n' "$pid"
	done
	return 0
}

# Our marked block of /etc/hosts, if present.
hosts_block() {
	awk -v b="$HOSTS_BEGIN" -v e="$HOSTS_END" '
		$0 == b { on = 1 }
		on { print }
		on && $0 == e { exit }
	' /etc/hosts 2>/dev/null
}

# Remove our marked block from /etc/hosts (in place: it may be a bind mount).
hosts_remove_block() {
	local tmp
	grep -qxF "$HOSTS_BEGIN" /etc/hosts 2>/dev/null || return 0
	tmp=$(mktemp)
	awk -v b="$HOSTS_BEGIN" -v e="$HOSTS_END" '
		$0 == b { skip = 1; next }
		skip && $0 == e { skip = 0; next }
		!skip { print }
	' /etc/hosts >"$tmp"
	cat "$tmp" >/etc/hosts
	rm -f "$tmp"
}
