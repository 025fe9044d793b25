#!/usr/bin/env bash
# Re-records the bundled datasets from scratch: datasets/webapp and
# datasets/redis, each from three Debian root filesystems.
#
# Every run starts the workload as a "container": its own cgroup v2 group,
# network, pid and mount namespaces, chrooted into a debootstrap root. bob
# captures the cgroup, so what the workload does is traced and the traffic
# that drives it (sent from outside the group, through the container's
# network namespace) is not, just as node-agent sees a pod. "kubectl exec"
# attacks join the group before they exec. The network namespace has only
# loopback: nothing can reach any other address.
#
# Usage: datasets/record.sh [webapp|redis]...     (default: both)
# Needs root, debootstrap, and bob built (cargo build -p bob).
# Environment: BOB (the bob binary), BOB_ROOTS (where roots are made,
# default /var/lib/bob-roots), RUNS (benign runs per environment, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

BOB=${BOB:-$PWD/target/debug/bob}
ROOTS=${BOB_ROOTS:-/var/lib/bob-roots}
RUNS=${RUNS:-2}
ENVS=(bullseye:debian-11 bookworm:debian-12 trixie:debian-13)
WORKLOADS=("$@")
[ ${#WORKLOADS[@]} -gt 0 ] || WORKLOADS=(webapp redis)

if [ -e /sys/fs/cgroup/cgroup.controllers ]; then CGROOT=/sys/fs/cgroup; else CGROOT=/sys/fs/cgroup/unified; fi
[ -e "$CGROOT/cgroup.procs" ] || { echo "record: no cgroup v2 hierarchy found" >&2; exit 2; }
[ -x "$BOB" ] || { echo "record: $BOB not found; run cargo build -p bob" >&2; exit 2; }

log() { printf 'record: %s\n' "$*" >&2; }

UPID= CAP=
cleanup() {
  [ -n "$UPID" ] && kill -KILL "$UPID" 2>/dev/null
  [ -n "$CAP" ] && kill -INT "$CAP" 2>/dev/null
  wait 2>/dev/null
  rmdir "$CGROOT"/bob-record-* 2>/dev/null || true
}
trap cleanup EXIT

# make_root SUITE NAME: a minimal Debian with the workloads' packages.
make_root() {
  local suite=$1 name=$2 root=$ROOTS/$2
  local pkgs=(php-cli redis-server redis-tools iputils-ping procps perl)
  if [ ! -e "$root/.bob-root" ]; then
    if [ ! -e "$root/var/lib/dpkg/status" ]; then
      command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
      log "debootstrap $suite into $root"
      mkdir -p "$ROOTS"
      debootstrap --variant=minbase --include="$(IFS=,; echo "${pkgs[*]}")" \
        "$suite" "$root" http://deb.debian.org/debian >/dev/null
    else
      log "completing $root"
      chroot "$root" apt-get install -y -qq "${pkgs[@]}" >/dev/null
    fi
    touch "$root/.bob-root"
  fi
  mkdir -p "$root/srv/www" "$root/var/www" "$root/var/spool/cron" "$root/var/lib/redis" \
    "$root/var/run/secrets/kubernetes.io/serviceaccount"
  cp datasets/workloads/webapp/*.php "$root/srv/www/"
  echo "not-a-real-token" > "$root/var/run/secrets/kubernetes.io/serviceaccount/token"
}

# The labels of one environment.
env_labels() {
  local root=$ROOTS/$1 libc
  libc=$(chroot "$root" ldd --version | head -1 | grep -oE '[0-9]+\.[0-9]+$')
  echo "--label os=$1 --label distribution=debian --label runtime=unshare-chroot --label libc=glibc-$libc"
}

# start_container ROOT CGROUP CMD...: starts CMD chrooted in ROOT, in new
# namespaces and in CGROUP; sets UPID (the unshare process, whose network
# namespace the container has) and SPID (the workload process).
start_container() {
  local root=/run/bob-rootfs cg=$2
  # Like a runtime's bundle path, the root the container sees is the same
  # in every environment, so the runtime's own execs do not differ by it.
  ln -sfn "$1" "$root"
  shift 2
  mkdir -p "$cg"
  sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' _ "$cg" \
    unshare --net --pid --fork --mount --kill-child --mount-proc="$root/proc" \
    sh -c 'ip link set lo up && exec chroot "$0" "$@"' "$root" "$@" \
    >/dev/null 2>&1 &
  UPID=$!
  for _ in $(seq 50); do
    SPID=$(pgrep -P "$UPID" | head -1 || true)
    [ -n "$SPID" ] && break
    sleep 0.1
  done
}

# unshare --fork ignores SIGTERM and the workload is the init of its pid
# namespace, which ignores it too: SIGKILL, as a runtime does after its
# grace period, takes the whole namespace down.
stop_container() {
  kill -KILL "$UPID" 2>/dev/null || true
  wait "$UPID" 2>/dev/null || true
  UPID=
}

# in_net CMD...: runs CMD in the container's network namespace, outside its cgroup.
in_net() { nsenter -t "$UPID" -n "$@"; }

# exec_in ROOT CGROUP COMMAND: what kubectl exec does: enter the container,
# join its cgroup, run the command.
exec_in() {
  local cg=$2 cmd=$3
  nsenter -t "$SPID" -n -p -m -r -w sh -c 'echo $$ >&3; exec 3>&-; eval "exec $0"' "$cmd" \
    3>"$cg/cgroup.procs" >/dev/null 2>&1 || true
}

wait_port() {
  for _ in $(seq 50); do
    in_net bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# capture NAME CLASS SCENARIO ENV WORKLOAD BODY: one recorded run; BODY is
# a function that starts the container, drives it and stops it.
capture() {
  local run=$1 class=$2 scenario=$3 env=$4 workload=$5 body=$6
  local cg=$CGROOT/bob-record-$run out=datasets/$workload
  mkdir -p "$cg"
  # shellcheck disable=SC2046
  "$BOB" -q capture -o "$out" --cgroup "$cg" --run "$run" --class "$class" --scenario "$scenario" \
    --container "$workload" --workload-name "$workload" --workload-kind Deployment --namespace bob \
    --image "debian:${env#debian-}/$workload" $(env_labels "$env") &
  CAP=$!
  sleep 1.5
  "$body" "$ROOTS/$env" "$cg"
  sleep 0.5
  kill -INT "$CAP"
  wait "$CAP"
  CAP=
  rmdir "$cg" 2>/dev/null || true
}

# ---- webapp: php-cli's built-in server and ping.php ----

url() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

webapp_start() { start_container "$1" "$2" php -S 127.0.0.1:8080 -t /srv/www; wait_port 8080; }

webapp_benign_traffic() {
  for _ in 1 2 3; do
    grep -v '^#' datasets/workloads/webapp/benign.tsv | while IFS=$'\t' read -r _ path; do
      in_net curl -s -o /dev/null --max-time 5 "http://127.0.0.1:8080$path" || true
    done
  done
}

webapp_benign() { webapp_start "$@"; webapp_benign_traffic; stop_container; }

webapp_attack() {
  webapp_start "$1" "$2"
  webapp_benign_traffic
  case "$ATTACK_HOW" in
    query) in_net curl -s -o /dev/null --max-time 5 "http://127.0.0.1:8080/ping.php?ip=127.0.0.1$(url "$ATTACK_PAYLOAD")" || true ;;
    exec) exec_in "$1" "$2" "$ATTACK_PAYLOAD" ;;
  esac
  stop_container
}

# ---- redis: redis-server, redis-benchmark and the functional suite ----

redis_start() {
  # Redis 7 and later refuse MODULE LOAD unless told; the server runs as a
  # vulnerable deployment would, with it enabled.
  local modules=()
  chroot "$1" redis-server --version | grep -q 'v=6\.' || modules=(--enable-module-command yes)
  start_container "$1" "$2" redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no \
    --dir /var/lib/redis --protected-mode no --daemonize no "${modules[@]}"
  wait_port 6379
}

resp() { in_net timeout 30 python3 datasets/workloads/redis/resp.py "$@" >/dev/null 2>&1 || true; }

redis_benign_traffic() {
  local root=$1
  in_net chroot "$root" redis-benchmark -h 127.0.0.1 -p 6379 -q -n 2000 -c 4 \
    -t set,get,incr,lpush,lpop,sadd,hset >/dev/null 2>&1 || true
  resp suite ../shared/data/bob/suites/redis-functional-tests.yaml
}

redis_benign() { redis_start "$@"; redis_benign_traffic "$1"; stop_container; }

redis_attack() {
  local root=$1 cg=$2
  redis_start "$root" "$cg"
  redis_benign_traffic "$root"
  case "$ATTACK_HOW" in
    resp|fakemaster)
      local fake=
      if [ "$ATTACK_HOW" = fakemaster ]; then
        in_net timeout 5 python3 -c 'import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 6390)); s.listen(1); c,_=s.accept(); c.recv(100); c.close()' &
        fake=$!
        sleep 0.3
      fi
      local args
      IFS='|' read -r -a args <<<"$ATTACK_PAYLOAD"
      resp cmd "${args[@]}"
      [ -n "$fake" ] && { sleep 1.5; resp cmd REPLICAOF NO ONE; wait "$fake" 2>/dev/null || true; }
      ;;
    exec) exec_in "$root" "$cg" "$ATTACK_PAYLOAD" ;;
  esac
  stop_container
}

# ---- the recording ----

for workload in "${WORKLOADS[@]}"; do
  rm -rf "datasets/$workload/source=capture"
  for e in "${ENVS[@]}"; do
    suite=${e%%:*}; env=${e##*:}
    make_root "$suite" "$env"
    for i in $(seq "$RUNS"); do
      log "$workload $env benign run $i"
      capture "$workload-$env-benign-$i" benign "benign" "$env" "$workload" "${workload}_benign"
    done
    grep -v '^#' "datasets/workloads/$workload/attacks.tsv" | while IFS=$'\t' read -r name how payload; do
      [ -n "$name" ] || continue
      log "$workload $env attack $name"
      ATTACK_HOW=$how ATTACK_PAYLOAD=$payload \
        capture "$workload-$env-$name" attack "$name" "$env" "$workload" "${workload}_attack"
    done
  done
  {
    cat "datasets/workloads/$workload/ABOUT.md"
    printf '\n## Recorded\n\nBy `datasets/record.sh` on %s, kernel %s, %s benign run(s) per\n' \
      "$(date -u +%F)" "$(uname -r)" "$RUNS"
    printf 'environment and one run per attack. Rows per environment and label:\n\n```\n'
    "$BOB" sql "SELECT os, label, COUNT(DISTINCT run) AS runs, COUNT(*) AS rows_written,
                SUM(\"count\") AS observations FROM events GROUP BY os, label ORDER BY os, label" \
      -t "datasets/$workload"
    printf '```\n'
  } > "datasets/$workload/README.md"
  log "wrote datasets/$workload/README.md"
done
