#!/usr/bin/env bash
# A local Redis Cluster of three masters on 127.0.0.1 (no replicas, nothing saved to disk), for the
# tests that run the registry, the sign-in counters and the change feed on a real cluster
# (REDIS_CLUSTER_NODES=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003) and for CI (.ci/run).
#   scripts/redis-cluster.sh start    starts what is not running and forms the cluster; does nothing
#                                     when it is up and its state is ok
#   scripts/redis-cluster.sh stop     shuts the nodes down and deletes their directory
#   scripts/redis-cluster.sh status   each node's cluster_state; exit 0 only if every one is ok
# REDIS_CLUSTER_PORTS (default "7001 7002 7003") and REDIS_CLUSTER_DIR (default .data/redis-cluster)
# choose others: a test that kills a node starts a cluster of its own this way. Each node also
# uses its port + 10000 (the cluster bus).
set -euo pipefail

read -r -a ports <<<"${REDIS_CLUSTER_PORTS:-7001 7002 7003}"
dir="${REDIS_CLUSTER_DIR:-$(cd "$(dirname "$0")/.." && pwd)/.data/redis-cluster}"

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
is_up() { cli "$1" ping >/dev/null 2>&1; }
state_of() { cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p'; }
all_ok() {
  for port in "${ports[@]}"; do [ "$(state_of "$port")" = ok ] || return 1; done
}
status() {
  local result=0
  for port in "${ports[@]}"; do
    if is_up "$port"; then echo "127.0.0.1:$port cluster_state:$(state_of "$port")"; else echo "127.0.0.1:$port down"; fi
    [ "$(state_of "$port")" = ok ] || result=1
  done
  return "$result"
}

start() {
  if all_ok; then
    echo "Redis Cluster already up on ports ${ports[*]}"
    return 0
  fi
  for port in "${ports[@]}"; do
    is_up "$port" && continue
    # a node restarted in its directory rejoins the cluster its nodes.conf remembers
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/$port" \
      --cluster-enabled yes --cluster-config-file nodes.conf \
      --save "" --appendonly no --daemonize yes \
      --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log"
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 50); do is_up "$port" && break; sleep 0.1; done
    is_up "$port" || { echo "redis-server on port $port did not start; see $dir/$port/redis.log" >&2; exit 1; }
  done
  # a new set of nodes knows only itself: form the cluster (slots split evenly among the masters)
  if [ "$(cli "${ports[0]}" cluster info | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')" = 1 ]; then
    redis-cli --cluster create $(printf '127.0.0.1:%s ' "${ports[@]}") --cluster-replicas 0 --cluster-yes >/dev/null
  fi
  for _ in $(seq 1 100); do all_ok && break; sleep 0.2; done
  if ! all_ok; then
    status >&2 || true
    echo "the Redis Cluster is not ok; start afresh with: $0 stop && $0 start" >&2
    exit 1
  fi
  echo "Redis Cluster up on ports ${ports[*]}"
}

stop() {
  for port in "${ports[@]}"; do
    is_up "$port" && cli "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
