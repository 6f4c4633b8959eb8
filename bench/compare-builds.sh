#!/usr/bin/env bash
# Two builds of switchboard side by side: the same bench client against a server of each build, alternating
# (A B A B ...) within one run, with the server's CPU time (utime+stime from /proc/PID/stat) per message.
# Used to compare a change with the code before it on a shared machine, where only same-minute figures compare.
#
#   BEFORE=/tmp/sb-before/switchboard AFTER=src/Switchboard.Cli/bin/Release/net10.0/switchboard \
#     bench/compare-builds.sh echo --clients 1 --in-flight 1000 --size 32 --duration 4s
#   MODE=serve ... bench/compare-builds.sh fanout --clients 100 --senders 10 --in-flight 2 --size 64 --duration 5s
#
# Environment: BEFORE, AFTER (the two binaries; build one with `dotnet build src/Switchboard.Cli -c Release -o DIR`
# at the older commit), CLIENT (the bench client, default BEFORE), ROUNDS (default 2), MODE (echo: `listen --mode
# echo`; serve: `serve`, persistence on, with run.sh's raised rate and address limits), EXTRA_ENV (e.g.
# DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, given to both servers). Binds 127.0.0.1:27211 and :27212 only.
set -euo pipefail
BEFORE=${BEFORE:?BEFORE=path of the older build}; AFTER=${AFTER:?AFTER=path of the newer build}
CLIENT=${CLIENT:-$BEFORE}; ROUNDS=${ROUNDS:-2}; MODE=${MODE:-echo}; EXTRA_ENV=${EXTRA_ENV:-}
TCK=$(getconf CLK_TCK)
DATA=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$DATA"; }
trap cleanup EXIT

start_server() { # binary port
    if [ "$MODE" = serve ]; then
        env SWITCHBOARD_Chat__RateLimitPerSecond=1000000 SWITCHBOARD_Chat__RateLimitBurst=1000000 \
            SWITCHBOARD_Chat__MaxConnectionsPerAddress=10000 SWITCHBOARD_Chat__FloodDisconnectAfter=1000000 SWITCHBOARD_Chat__StorageQuotaPerNick=0 SWITCHBOARD_Chat__StorageQuotaPerAddress=0 $EXTRA_ENV \
            "$1" serve --port "$2" --no-web --data "$DATA/$2" > "$DATA/server-$2.log" 2>&1 &
    else
        env $EXTRA_ENV "$1" listen --mode echo --port "$2" --max-conns 20000 > "$DATA/server-$2.log" 2>&1 &
    fi
    PIDS+=($!)
}
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

start_server "$BEFORE" 27211; PID_BEFORE=${PIDS[-1]}
start_server "$AFTER" 27212; PID_AFTER=${PIDS[-1]}
for _ in $(seq 150); do
    ss -Hltn "sport = :27211" | grep -q . && ss -Hltn "sport = :27212" | grep -q . && break
    sleep 0.2
done
sleep 1
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$ROUNDS"); do
    for side in before after; do
        if [ $side = before ]; then pid=$PID_BEFORE; port=27211; else pid=$PID_AFTER; port=27212; fi
        c0=$(cpu_ticks "$pid")
        json=$(timeout 180 "$CLIENT" bench "$@" --target "127.0.0.1:$port" --json)
        c1=$(cpu_ticks "$pid")
        jq -r --arg side $side --argjson ticks $((c1 - c0)) --argjson tck "$TCK" '
            (.msgs_per_s // .deliveries_per_s) as $rate
            | (.messages // .deliveries // null) as $n
            | "\($side)\t\(.scenario)\trate=\($rate | floor)/s\t"
              + ([to_entries[] | select(.key | test("^p(50|99)_us$")) | "\(.key)=\(.value)"] | join(" "))
              + "\tserver_cpu_ns_per_msg=" + (if $n then ($ticks / $tck * 1e9 / $n | floor | tostring) else "?" end)' <<< "$json"
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
