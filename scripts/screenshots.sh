#!/usr/bin/env bash
# Makes docs/screenshots/{server,client,chat}.png from a real run, the same way every time: `switchboard serve`
# with TCP and TLS listeners and its web console (which starts a third listener, on a Unix socket), chat clients on
# each transport (nc, openssl s_client, nc -U), and Debian's chromium, headless, driven as the web tests drive it (chromedriver, 1360x1000)
# through the WebDriver HTTP API with curl and jq. Not part of the test run.
#
#   scripts/screenshots.sh [OUTPUT-DIRECTORY]     # default docs/screenshots
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-docs/screenshots}")

for need in chromium:chromium chromedriver:chromium-driver curl:curl jq:jq nc:netcat-openbsd openssl:openssl; do
  command -v "${need%%:*}" >/dev/null || { echo "screenshots.sh needs ${need%%:*}: apt-get install -y ${need#*:}" >&2; exit 1; }
done

nice -n 10 dotnet build src/Switchboard.Cli -c Release -nologo -v quiet >/dev/null
cli=(nice -n 10 dotnet src/Switchboard.Cli/bin/Release/net10.0/switchboard.dll)
work=$(mktemp -d -t switchboard-screenshots.XXXX)
pids=()
cleanup() {
  touch "$work/done"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits up to 30 s for a shell condition.
until_true() {
  local what=$1; shift
  for _ in $(seq 150); do "$@" && return 0; sleep 0.2; done
  echo "screenshots.sh: timed out waiting for $what" >&2
  exit 1
}

# The server, with a throwaway self-signed certificate for its TLS listener.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
SWITCHBOARD_Web__ListenerUnixDirectories="$work" "${cli[@]}" serve --port 0 --tls-port 0 --cert "$work/cert.pem" \
  --key "$work/key.pem" --data "$work/data" --web-port 0 --web-no-token 2>"$work/serve.log" &
pids+=($!)
until_true "serve's listeners" grep -q '^chat listening on tls ' "$work/serve.log"
web=$(sed -n 's/^web console on \(http:[^ ]*\)$/\1/p' "$work/serve.log" | head -1)
web=${web%/}
tcp_port=$(sed -n 's/^chat listening on tcp .*:\([0-9]*\)$/\1/p' "$work/serve.log")
tls_port=$(sed -n 's/^chat listening on tls .*:\([0-9]*\)$/\1/p' "$work/serve.log")

# A chat client: its lines, one every half second, then it stays until the script ends.
client() {
  local name=$1; shift
  { for line in "/nick $name" "${lines[@]}"; do printf '%s\n' "$line"; sleep 0.5; done
    while [ ! -e "$work/done" ]; do sleep 0.2; done; } | "$@" >"$work/$name.out" 2>&1 &
  pids+=($!)
}
lines=("hi all, alice here over plain TCP")
client alice nc 127.0.0.1 "$tcp_port"
lines=("bob over TLS: hello <b>everyone</b>")
client bob openssl s_client -quiet -connect "127.0.0.1:$tls_port"
until_true "bob's line" grep -q 'bob over TLS' "$work/alice.out"

# The browser, as tests/Switchboard.Web.Tests/Browser/HeadlessChromium.cs starts it.
driver_port=$(( 20000 + RANDOM % 20000 ))
chromedriver --port="$driver_port" >"$work/chromedriver.log" 2>&1 &
pids+=($!)
driver="http://127.0.0.1:$driver_port"
until_true "chromedriver" curl -sf "$driver/status" -o /dev/null
capabilities=$(jq -n --arg profile "$work/profile" '{capabilities: {alwaysMatch: {browserName: "chrome", "goog:chromeOptions": {binary: "/usr/bin/chromium", args: [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1360,1000",
  "--force-device-scale-factor=1", ("--user-data-dir=" + $profile)]}}}}')
session=$(curl -sf -X POST -H 'Content-Type: application/json' -d "$capabilities" "$driver/session" | jq -r .value.sessionId)

wd() { curl -sf -X "$1" -H 'Content-Type: application/json' "$driver/session/$session$2" ${3:+-d "$3"}; }
visit() { wd POST /url "$(jq -n --arg u "$web$1" '{url: $u}')" >/dev/null; }
element() { wd POST /element "$(jq -n --arg c "$1" '{using: "css selector", value: $c}')" | jq -r '.value | to_entries[0].value'; }
click() { wd POST "/element/$(element "$1")/click" '{}' >/dev/null; }
type_in() { local id; id=$(element "$1"); wd POST "/element/$id/clear" '{}' >/dev/null; wd POST "/element/$id/value" "$(jq -n --arg t "$2" '{text: $t}')" >/dev/null; }
choose() { click "$1 option[value='$2']"; }
holds() { [ "$(wd POST /execute/sync "$(jq -n --arg s "return !!($1);" '{script: $s, args: []}')" | jq -r .value)" = true ]; }
page_shows() { until_true "$2" holds "$1"; }
shot() { mkdir -p "$out"; wd GET /screenshot | jq -r .value | base64 -d >"$out/$1"; echo "wrote $out/$1"; }

# Server page: a Unix-socket listener started from the page, a client on each of the three listeners, a line sent
# from the page to one of them and an announcement, both in the page's own log; the TLS choice of the new-listener
# form enabled by the server's certificate. Taller than the others, so the event log shows.
wd POST /window/rect '{"width": 1360, "height": 1240}' >/dev/null
visit /
page_shows "document.querySelector('#link').dataset.state == 'open'" "the server page's WebSocket"
page_shows "document.querySelectorAll('#listeners tbody tr').length == 2" "the TCP and TLS listeners"
choose "#add-transport" unix
type_in "#add-path" "$work/chat.sock"
click "#add-start"
page_shows "document.querySelectorAll('#listeners tbody tr').length == 3" "the new Unix-socket listener"
until_true "the Unix socket" test -S "$work/chat.sock"
lines=("carol on the Unix socket")
client carol nc -U "$work/chat.sock"
until_true "carol's line" grep -q 'carol on the Unix socket' "$work/alice.out"
page_shows "[...document.querySelectorAll('#sessions tbody tr')].filter(r => ['alice','bob','carol'].includes(r.dataset.nick)).length == 3" "three named clients"
click "#sessions tbody tr[data-nick='alice'] button.send"
type_in "#send-text" "hello alice, from the console"
click "#send-form button"
until_true "the console's line at alice" grep -q 'hello alice, from the console' "$work/alice.out"
type_in "#announce-text" "maintenance at noon"
click "#announce-form button"
until_true "the announcement at carol" grep -q 'maintenance at noon' "$work/carol.out"
choose "#add-transport" tls
page_shows "document.querySelector('#events').innerText.includes('maintenance at noon')" "the announcement in the event log"
page_shows "document.querySelector('#st-icon').dataset.state != 'off'" "the status icon"
sleep 1
shot server.png
wd POST /window/rect '{"width": 1360, "height": 1000}' >/dev/null

# Chat page: the web user enters the lobby, sees the clients' lines and says something.
visit /chat
page_shows "document.querySelector('#link').dataset.state == 'open'" "the chat page's WebSocket"
type_in "#nick" "frank"
click "#enter"
page_shows "document.querySelector('#room-title').innerText == '#lobby'" "the lobby"
page_shows "document.querySelector('#messages').innerText.includes('carol on the Unix socket')" "the lobby's history"
type_in "#compose" "frank from the browser: <i>this stays text</i>"
click "#say"
until_true "frank's line at alice" grep -q 'frank from the browser' "$work/alice.out"
page_shows "document.querySelector('#messages .msg.mine') != null" "the page's own line"
sleep 1
shot chat.png

# Client page: a TLS connection to the chat's TLS listener (its certificate is self-signed: "insecure").
visit /client
page_shows "document.querySelector('#link').dataset.state == 'open'" "the client page's WebSocket"
choose "#transport" tls
type_in "#host" "127.0.0.1"
type_in "#port" "$tls_port"
click "#insecure"
click "#connect"
page_shows "document.querySelector('#status').dataset.state == 'connected'" "the TLS connection"
page_shows "document.querySelector('#log').innerText.includes('Welcome')" "the chat's welcome"
type_in "#send-text" "/nick dave"
click "#send"
page_shows "document.querySelector('#log').innerText.includes('is now known as dave')" "the nick change"
type_in "#send-text" "hello from the client page"
click "#send"
until_true "dave's line at alice" grep -q 'hello from the client page' "$work/alice.out"
sleep 1
shot client.png

wd DELETE "" >/dev/null || true
