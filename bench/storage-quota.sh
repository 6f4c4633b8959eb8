#!/usr/bin/env bash
# How fast a crowd can grow chat.db, with the storage quota (Chat:StorageQuotaPerNick/PerAddress) on and off
# (issue 13: "60 clients grew chat.db by 11.9 MB/s"). Starts `switchboard serve` on 127.0.0.1 twice with default
# settings (the second time with the quota off), and each time 60 clients from 127.0.0.1 say 8,000-byte lines at
# the default rate limit (25 a second, sent once a second) for SECS seconds while reading what they are sent; prints
# how much the data directory grew. Bounded: 60 connections, SECS seconds (default 20) per run.
# Usage: bench/storage-quota.sh [SECS]   (needs a Release build; PORT, default 28917)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SB="$ROOT/src/Switchboard.Cli/bin/Release/net10.0/switchboard"
SECS=${1:-20}
PORT=${PORT:-28917}
LINE=$(head -c 8000 /dev/zero | tr '\0' 'q')

flood() { # data directory
    local before after clients=()
    before=$(du -sb "$1" | cut -f1)
    for c in $(seq 1 60); do
        (
            exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
            cat <&3 >/dev/null &
            reader=$!
            printf '/nick f%d\n' "$c" >&3
            end=$((SECONDS + SECS)); n=0
            while [ $SECONDS -lt $end ]; do
                for _ in $(seq 1 25); do printf '%d %s\n' $n "$LINE" >&3 || break 2; n=$((n + 1)); done
                sleep 1
            done
            kill $reader 2>/dev/null
        ) &
        clients+=($!)
    done
    # The clients only: a bare wait would wait for the server too.
    wait "${clients[@]}"
    sleep 2
    after=$(du -sb "$1" | cut -f1)
    echo "data directory grew by $(((after - before) / 1024)) KiB in ${SECS} s: $(((after - before) / SECS / 1024)) KiB/s"
}

for quota in on off; do
    dir=$(mktemp -d)
    if [ "$quota" = off ]; then
        env=(SWITCHBOARD_Chat__StorageQuotaPerNick=0 SWITCHBOARD_Chat__StorageQuotaPerAddress=0)
    else
        env=()
    fi
    env "${env[@]}" "$SB" serve --port "$PORT" --no-web --data "$dir/data" > "$dir/log" 2>&1 &
    server=$!
    for _ in $(seq 1 60); do (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 1; done
    mkdir -p "$dir/data"
    printf 'quota %s: ' "$quota"
    flood "$dir/data"
    kill "$server"; wait "$server" 2>/dev/null
    rm -rf "$dir"
done
