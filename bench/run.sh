#!/usr/bin/env bash
# Reproduces the table of docs/BENCHMARKS.md in one go (about 10 minutes with NCS_DIR, 6 without, on this 2-core
# machine): builds Release, starts our echo servers (and the chat server when `switchboard serve` exists), takes the
# reference figures (iperf3, sockperf) in the same run, runs every `switchboard bench` scenario and the
# BenchmarkDotNet micro-benchmarks, and writes everything to bench/results/<UTC time>/ with summary.md.
#
# Side by side with NetCoreServer: given NCS_DIR (a clone of chronoxor/NetCoreServer outside this repo, prepared as
# docs/BENCHMARKS.md describes), it builds that clone's performance/TcpEchoServer and runs every echo and pingpong
# scenario against `switchboard listen --mode echo` and against it, alternating (A B A B ...) for ROUNDS rounds,
# with the same client, sampling each server's CPU time over each measured window (`bench --server-pid`).
#
# Everything listens on 127.0.0.1 only, and every run is bounded in time.
# Environment: DURATION (measured seconds per scenario, default 5s), PORT_BASE (default 27100),
#              MICRO=0 to skip the micro-benchmarks, OUT to choose the results directory,
#              NCS_DIR to add the side-by-side comparison, ROUNDS (side-by-side rounds, default 3),
#              ONLY=echo to run only the side-by-side comparison (needs NCS_DIR; about 4 minutes).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-5s}
PORT_BASE=${PORT_BASE:-27100}
MICRO=${MICRO:-1}
ROUNDS=${ROUNDS:-3}
ONLY=${ONLY:-}
NCS_DIR=${NCS_DIR:-}
OUT=${OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
SB="$ROOT/src/Switchboard.Cli/bin/Release/net10.0/switchboard"
case "$ONLY" in
    "") ;;
    echo) [ -n "$NCS_DIR" ] || { echo "run.sh: ONLY=echo runs the side-by-side comparison and needs NCS_DIR (see docs/BENCHMARKS.md)" >&2; exit 2; } ;;
    *) echo "run.sh: ONLY must be empty (everything) or echo (the side-by-side comparison only), not '$ONLY'" >&2; exit 2 ;;
esac
if ! [[ "$ROUNDS" =~ ^[1-9][0-9]?$ ]]; then echo "run.sh: ROUNDS must be 1 to 99" >&2; exit 2; fi
# The tools it drives (Debian packages, /work/shared/peers.md): missing ones are named before anything starts.
needed=(jq ss python3 dotnet)
[ "$ONLY" = echo ] || needed+=(iperf3 sockperf openssl)
missing=()
for tool in "${needed[@]}"; do command -v "$tool" > /dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "run.sh: missing ${missing[*]} (apt-get install -y iperf3 sockperf jq iproute2 openssl)" >&2
    exit 2
fi
NCS_SERVER=""
if [ -n "$NCS_DIR" ]; then
    NCS_PROJECT="$NCS_DIR/performance/TcpEchoServer"
    if [ ! -f "$NCS_PROJECT/Program.cs" ]; then
        echo "run.sh: NCS_DIR=$NCS_DIR has no performance/TcpEchoServer/Program.cs: give a clone of chronoxor/NetCoreServer" >&2
        exit 2
    fi
    # Its server binds every interface as published; everything here stays on loopback.
    if grep -q 'IPAddress.Any' "$NCS_PROJECT/Program.cs"; then
        echo "run.sh: $NCS_PROJECT/Program.cs binds IPAddress.Any: change it to IPAddress.Loopback first (docs/BENCHMARKS.md)" >&2
        exit 2
    fi
    NCS_SERVER="$NCS_PROJECT/bin/Release/net10.0/TcpEchoServer"
fi
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -f "$OUT/ncs.stdin"
}
trap cleanup EXIT

log() { printf '\n== %s\n' "$*" >&2; }

wait_port() { # port: wait up to 15 s for a listener on 127.0.0.1:port
    for _ in $(seq 150); do
        if ss -Hltn "sport = :$1" | grep -q .; then return 0; fi
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}

start() { # name port command...: start a server in the background, log to $OUT/name.log
    local name=$1 port=$2; shift 2
    "$@" > "$OUT/$name.log" 2>&1 &
    PIDS+=($!)
    wait_port "$port"
    echo $! > "$OUT/$name.pid"
}

stop() { # name
    local pid; pid=$(cat "$OUT/$1.pid")
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

load1() { cut -d' ' -f1 /proc/loadavg; }

TAGS='{}'
bench() { # name args...: one `switchboard bench` run, its JSON tagged with the name, the command, the load
          # average (1 min) before and after it, and $TAGS
    local name=$1; shift
    log "$name: switchboard bench $*"
    local json before; before=$(load1)
    if json=$(timeout 180 "$SB" bench "$@" --json); then
        jq -c --arg name "$name" --arg command "switchboard bench $*" --argjson tags "$TAGS" \
            --argjson lb "$before" --argjson la "$(load1)" \
            '. + {name: $name, command: $command, load_before: $lb, load_after: $la} + $tags' <<< "$json" | tee -a "$RESULTS"
    else
        jq -nc --arg name "$name" --arg command "switchboard bench $*" --argjson tags "$TAGS" \
            '{name: $name, command: $command, error: "failed"} + $tags' | tee -a "$RESULTS"
    fi
}

start_ncs() { # name port: NetCoreServer's TcpEchoServer. It stops at the end of its input, so its stdin is a FIFO
              # opened for reading and writing: it holds a writer itself, no EOF ever comes, and it runs until killed
    local name=$1 port=$2
    rm -f "$OUT/ncs.stdin"; mkfifo "$OUT/ncs.stdin"
    "$NCS_SERVER" -p "$port" 0<> "$OUT/ncs.stdin" > "$OUT/$name.log" 2>&1 &
    PIDS+=($!); echo $! > "$OUT/$name.pid"
    wait_port "$port"
    if ss -Hltn "sport = :$port" | awk '{print $4}' | grep -qv '^127\.'; then
        echo "NetCoreServer listens beyond loopback on port $port: stopping" >&2
        ss -Hltn "sport = :$port" >&2; stop "$name"; exit 1
    fi
}

log "build (Release)"
cd "$ROOT"
dotnet build -c Release src/Switchboard.Cli/Switchboard.Cli.csproj -nologo -v q 2>&1 | tail -3
if [ -n "$NCS_DIR" ]; then
    log "build NetCoreServer's TcpEchoServer (Release) from $NCS_DIR"
    dotnet build -c Release "$NCS_PROJECT" -nologo -v q 2>&1 | tail -3
fi
if [ "$ONLY" = echo ]; then MICRO=0; fi
if [ "$MICRO" = 1 ]; then dotnet build -c Release bench/Switchboard.Benchmarks/Switchboard.Benchmarks.csproj -nologo -v q 2>&1 | tail -3; fi

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)"
    echo "kernel: $(uname -r)"
    echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
    echo "dotnet: $(dotnet --version)"
    if [ -n "$NCS_DIR" ]; then
        echo "netcoreserver: chronoxor/NetCoreServer $(git -C "$NCS_DIR" rev-parse --short HEAD 2>/dev/null || echo '(not a git clone)'), local changes: $(git -C "$NCS_DIR" diff --shortstat 2>/dev/null | xargs) ($(git -C "$NCS_DIR" diff --name-only 2>/dev/null | xargs))"
    fi
    echo "rounds: ${ROUNDS}; duration per run: $DURATION; only: ${ONLY:-everything}"
    echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/environment.txt"
cat "$OUT/environment.txt" >&2

P_ECHO=$PORT_BASE P_INLINE=$((PORT_BASE + 1)) P_CONN=$((PORT_BASE + 2)) P_CHAT=$((PORT_BASE + 3))
P_IPERF=$((PORT_BASE + 4)) P_SOCKPERF=$((PORT_BASE + 5)) P_TLS=$((PORT_BASE + 6))
P_SBS_SB=$((PORT_BASE + 7)) P_SBS_NCS=$((PORT_BASE + 8)) P_NCS_CONN=$((PORT_BASE + 9))

side_by_side() {
    log "side by side: switchboard listen --mode echo and NetCoreServer's TcpEchoServer, $ROUNDS rounds, same client"
    start sbs-switchboard "$P_SBS_SB" "$SB" listen --mode echo --port "$P_SBS_SB" --max-conns 20000
    start_ncs sbs-netcoreserver "$P_SBS_NCS"
    local round scenario server port args
    for round in $(seq "$ROUNDS"); do
        for scenario in echo-1x1000 echo-100x1000 pingpong; do
            case $scenario in
                echo-1x1000) args=(echo --clients 1 --in-flight 1000 --size 32) ;;
                echo-100x1000) args=(echo --clients 100 --in-flight 1000 --size 32) ;;
                pingpong) args=(pingpong --size 32) ;;
            esac
            # A then B, one scenario at a time: each pair is measured within seconds of itself.
            for server in switchboard netcoreserver; do
                [ $server = switchboard ] && port=$P_SBS_SB || port=$P_SBS_NCS
                TAGS=$(jq -nc --arg server $server --argjson round "$round" '{side_by_side: true, server: $server, round: $round}')
                bench "sbs-$scenario" "${args[@]}" --target "127.0.0.1:$port" --duration "$DURATION" --server-pid "$(cat "$OUT/sbs-$server.pid")"
            done
        done
    done
    TAGS='{}'
    stop sbs-switchboard
    stop sbs-netcoreserver
}

finish() {
    # What is left is the record: the throwaway key, the chat store, server logs (one line per connection: MBs),
    # pid files and sockets go.
    rm -rf "$OUT"/*.pid "$OUT"/*.log "$OUT/key.pem" "$OUT/cert.pem" "$OUT/chat-data" "$OUT/echo.sock" "$OUT/ncs.stdin"
    echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/environment.txt"
    python3 "$ROOT/bench/summarize.py" "$OUT" > "$OUT/summary.md"
    cat "$OUT/summary.md"
    echo "results in $OUT" >&2
}

if [ "$ONLY" = echo ]; then
    side_by_side
    finish
    exit 0
fi

log "reference: iperf3 (TCP, loopback, 5 s)"
start iperf3-server "$P_IPERF" iperf3 -s -1 -B 127.0.0.1 -p "$P_IPERF"
timeout 60 iperf3 -c 127.0.0.1 -p "$P_IPERF" -t 5 -J > "$OUT/iperf3.json"
jq -r '"iperf3: \(.end.sum_received.bits_per_second / 1e9 | . * 100 | round / 100) Gbit/s"' "$OUT/iperf3.json" >&2

log "reference: sockperf TCP ping-pong, 32 B, 5 s (full round trip)"
start sockperf-server "$P_SOCKPERF" sockperf server -i 127.0.0.1 -p "$P_SOCKPERF" --tcp
timeout 60 sockperf ping-pong -i 127.0.0.1 -p "$P_SOCKPERF" --tcp -m 32 -t 5 --full-rtt > "$OUT/sockperf.txt" 2>&1
grep -E "percentile (50|99)\.000|avg-rtt|avg-lat" "$OUT/sockperf.txt" >&2 || true

log "our servers"
start echo-server "$P_ECHO" "$SB" listen --mode echo --port "$P_ECHO" --max-conns 20000
start echo-inline-server "$P_INLINE" env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 "$SB" listen --mode echo --port "$P_INLINE" --max-conns 20000

# Each pingpong run sits between two sockperf runs: the machine is shared and its latency can shift within
# a minute, so each run is compared with the reference just before and just after it.
bench pingpong-inline pingpong --target "127.0.0.1:$P_INLINE" --size 32 --duration "$DURATION"
timeout 60 sockperf ping-pong -i 127.0.0.1 -p "$P_SOCKPERF" --tcp -m 32 -t 5 --full-rtt > "$OUT/sockperf-mid.txt" 2>&1
grep -E "percentile 50\.000" "$OUT/sockperf-mid.txt" >&2 || true
bench pingpong-default pingpong --target "127.0.0.1:$P_ECHO" --size 32 --duration "$DURATION"
timeout 60 sockperf ping-pong -i 127.0.0.1 -p "$P_SOCKPERF" --tcp -m 32 -t 5 --full-rtt > "$OUT/sockperf-after.txt" 2>&1
grep -E "percentile 50\.000" "$OUT/sockperf-after.txt" >&2 || true
stop sockperf-server
if [ -n "$NCS_DIR" ]; then side_by_side; fi
bench echo-1x1000 echo --target "127.0.0.1:$P_ECHO" --clients 1 --in-flight 1000 --size 32 --duration "$DURATION"
bench echo-100x1000 echo --target "127.0.0.1:$P_ECHO" --clients 100 --in-flight 1000 --size 32 --duration "$DURATION"
bench echo-inline-1x1000 echo --target "127.0.0.1:$P_INLINE" --clients 1 --in-flight 1000 --size 32 --duration "$DURATION"
bench echo-inline-100x1000 echo --target "127.0.0.1:$P_INLINE" --clients 100 --in-flight 1000 --size 32 --duration "$DURATION"
# The same server over TLS and over a Unix socket (default scheduling), for comparison; no targets.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$OUT/key.pem" -out "$OUT/cert.pem" -days 2 -subj /CN=localhost 2> /dev/null
start echo-tls-server "$P_TLS" "$SB" listen --mode echo --port "$P_TLS" --tls --cert "$OUT/cert.pem" --key "$OUT/key.pem"
bench pingpong-tls pingpong --tls --target "127.0.0.1:$P_TLS" --size 32 --duration "$DURATION"
bench echo-tls-1x1000 echo --tls --target "127.0.0.1:$P_TLS" --clients 1 --in-flight 1000 --size 32 --duration "$DURATION"
stop echo-tls-server
rm -f "$OUT/echo.sock"
"$SB" listen --mode echo --unix "$OUT/echo.sock" > "$OUT/echo-unix-server.log" 2>&1 &
PIDS+=($!); echo $! > "$OUT/echo-unix-server.pid"
for _ in $(seq 150); do [ -S "$OUT/echo.sock" ] && break; sleep 0.1; done
bench pingpong-unix pingpong --unix "$OUT/echo.sock" --size 32 --duration "$DURATION"
bench echo-unix-1x1000 echo --unix "$OUT/echo.sock" --clients 1 --in-flight 1000 --size 32 --duration "$DURATION"
stop echo-unix-server

# Connect rate on a warm server (a fresh one spends its first seconds in JIT and thread-pool ramp-up).
bench connections-rate connections --target "127.0.0.1:$P_ECHO" --clients 10000
stop echo-server
stop echo-inline-server

# A fresh server, so the memory per connection is not hidden in heap left over from the runs above.
log "connections: a fresh echo server"
start conn-server "$P_CONN" "$SB" listen --mode echo --port "$P_CONN" --max-conns 20000
bench connections-10k connections --target "127.0.0.1:$P_CONN" --clients 10000 --server-pid "$(cat "$OUT/conn-server.pid")"
stop conn-server
if [ -n "$NCS_DIR" ]; then
    log "connections: a fresh NetCoreServer TcpEchoServer"
    start_ncs ncs-conn-server "$P_NCS_CONN"
    TAGS='{"server":"netcoreserver"}'
    bench ncs-connections-10k connections --target "127.0.0.1:$P_NCS_CONN" --clients 10000 --server-pid "$(cat "$OUT/ncs-conn-server.pid")"
    TAGS='{}'
    stop ncs-conn-server
fi

if "$SB" --help | grep -qE '^ +serve( |$)'; then
    log "fanout: switchboard serve (persistence on), rate limits lifted for the load generator"
    # The chat server's per-connection flood limit (25 lines/s), per-address limit (64) and storage quota would refuse
    # a load test from one address; they are raised here and nothing else is changed.
    start chat-server "$P_CHAT" env SWITCHBOARD_Chat__RateLimitPerSecond=1000000 SWITCHBOARD_Chat__RateLimitBurst=1000000 \
        SWITCHBOARD_Chat__MaxConnectionsPerAddress=10000 SWITCHBOARD_Chat__FloodDisconnectAfter=1000000 SWITCHBOARD_Chat__StorageQuotaPerNick=0 SWITCHBOARD_Chat__StorageQuotaPerAddress=0 \
        "$SB" serve --port "$P_CHAT" --data "$OUT/chat-data"
    # The target fixes 100 clients and 10 senders; the window is ours: 2 lines per sender not yet delivered
    # everywhere (20 in the room) keeps queues short. The wider window shows the throughput/latency trade.
    # The target is about a running server: its first seconds (tier-0 JIT, the thread pool ramping up) are recorded
    # on their own as the cold run, then the target's three runs of three are measured on the warm server.
    bench fanout-serve-cold fanout --target "127.0.0.1:$P_CHAT" --clients 100 --senders 10 --in-flight 2 --size 64 --duration "$DURATION"
    for run in 1 2 3; do
        bench "fanout-serve-$run" fanout --target "127.0.0.1:$P_CHAT" --clients 100 --senders 10 --in-flight 2 --size 64 --duration "$DURATION"
    done
    bench fanout-serve-window10 fanout --target "127.0.0.1:$P_CHAT" --clients 100 --senders 10 --in-flight 10 --size 64 --duration "$DURATION"
    stop chat-server
else
    echo "switchboard serve is not in this build: fanout runs against listen --mode relay (no persistence)" >&2
fi
log "fanout: listen --mode relay (a room without persistence)"
start relay-server "$P_CHAT" "$SB" listen --mode relay --port "$P_CHAT" --max-conns 1000
bench fanout-relay fanout --target "127.0.0.1:$P_CHAT" --clients 100 --senders 10 --in-flight 2 --size 64 --duration "$DURATION"
bench fanout-relay-window10 fanout --target "127.0.0.1:$P_CHAT" --clients 100 --senders 10 --in-flight 10 --size 64 --duration "$DURATION"
stop relay-server

if [ "$MICRO" = 1 ]; then
    log "micro-benchmarks (BenchmarkDotNet, short in-process job)"
    (cd "$OUT" && timeout 600 dotnet "$ROOT/bench/Switchboard.Benchmarks/bin/Release/net10.0/Switchboard.Benchmarks.dll" --filter '*' > "$OUT/micro.log" 2>&1) || echo "micro-benchmarks failed: see micro.log" >&2
fi

finish
