#!/usr/bin/env python3
"""Turns one bench/run.sh results directory into summary.md: the figures, the references, the targets."""
import glob
import json
import os
import re
import statistics
import sys


def load(out):
    """(runs by name, side-by-side runs in order): the side-by-side scenarios run several times under one name."""
    runs, side = {}, []
    with open(os.path.join(out, "results.jsonl")) as f:
        for line in f:
            if line.strip():
                run = json.loads(line)
                if run.get("side_by_side"):
                    side.append(run)
                else:
                    runs[run["name"]] = run
    return runs, side


def sockperf(out, name="sockperf.txt"):
    figures = {}
    try:
        text = open(os.path.join(out, name)).read()
    except OSError:
        return figures
    for p, value in re.findall(r"percentile (\d+\.\d+) =\s+([\d.]+)", text):
        figures[float(p)] = float(value)
    m = re.search(r"avg-(?:rtt|latency)=([\d.]+)", text)
    if m:
        figures["avg"] = float(m.group(1))
    return figures


def iperf(out):
    try:
        data = json.load(open(os.path.join(out, "iperf3.json")))
        return data["end"]["sum_received"]["bits_per_second"] / 1e9
    except (OSError, KeyError, ValueError):
        return None


def micro(out):
    tables = []
    for path in sorted(glob.glob(os.path.join(out, "BenchmarkDotNet.Artifacts", "results", "*-report-github.md"))):
        text = open(path).read()
        rows = [line for line in text.splitlines() if line.startswith("|")]
        tables.append((os.path.basename(path).split("-report")[0].split(".")[-1], rows))
    return tables


def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def verdict(ok):
    return "**met**" if ok else "**missed**"


# The side-by-side figures: (label, scenario name, field, unit, digits, higher is better).
SIDE_FIGURES = [
    ("echo 32 B, 1 client × 1000 in flight", "sbs-echo-1x1000", "msgs_per_s", "msg/s", 0, True),
    ("echo 32 B, 100 clients × 1000 in flight", "sbs-echo-100x1000", "msgs_per_s", "msg/s", 0, True),
    ("server CPU per echoed message, 1 client", "sbs-echo-1x1000", "server_cpu_ns_per_msg", "ns", 0, False),
    ("server CPU per echoed message, 100 clients", "sbs-echo-100x1000", "server_cpu_ns_per_msg", "ns", 0, False),
    ("server cores busy, echo 1 client", "sbs-echo-1x1000", "server_cpu_cores", "cores", 2, None),
    ("server cores busy, echo 100 clients", "sbs-echo-100x1000", "server_cpu_cores", "cores", 2, None),
    ("pingpong 32 B p50", "sbs-pingpong", "p50_us", "µs", 1, False),
    ("pingpong 32 B p99", "sbs-pingpong", "p99_us", "µs", 1, False),
    ("server CPU per round trip (pingpong)", "sbs-pingpong", "server_cpu_ns_per_msg", "ns", 0, False),
]


def spread(values, digits=0, unit=""):
    """median (min–max) of a list, or a dash."""
    if not values:
        return "–"
    med = statistics.median(values)
    text = f"{fmt(med, digits)}"
    if len(values) > 1:
        text += f" ({fmt(min(values), digits)}–{fmt(max(values), digits)})"
    return text + (f" {unit}" if unit else "")


def side_by_side(side, runs, cpus="?"):
    """Prints the side-by-side section; returns the target rows it decides (for the Targets table)."""
    if not side:
        return []
    rounds = sorted({r["round"] for r in side})
    loads = [r[k] for r in side for k in ("load_before", "load_after") if k in r]
    failed = [r for r in side if "error" in r]
    by = {}
    for r in side:
        if "error" not in r:
            by[(r["name"], r["server"], r["round"])] = r
    print("## Side by side with NetCoreServer (same run, same client, alternating)\n")
    print(f"`switchboard listen --mode echo` (A) and NetCoreServer's `performance/TcpEchoServer` (B), both running "
          f"for the whole comparison; {len(rounds)} rounds, each running every scenario against A then B; the client is "
          f"`switchboard bench` for both, with `--server-pid` to sample the server's utime+stime (/proc/PID/stat) "
          f"over the measured window. Ratios are Switchboard / NetCoreServer, one per round (A and B measured "
          f"seconds apart), shown as median (min–max) over the rounds.")
    if loads:
        print(f"Load average (1 min) during these runs: **{min(loads):.1f}–{max(loads):.1f}** on {cpus} CPUs "
              f"(the machine is shared with other builds; both servers and the client compete for the same cores).")
    if failed:
        print(f"\n**{len(failed)} run(s) failed**: " + "; ".join(f"round {r['round']} {r['name']} on {r['server']}" for r in failed))
    print()
    print("| figure | Switchboard | NetCoreServer | ratio SB/NCS | better is | per round |")
    print("|---|---:|---:|---:|---|---|")
    ratios_of = {}
    for label, name, field, unit, digits, higher in SIDE_FIGURES:
        a = [by[(name, "switchboard", k)][field] for k in rounds if field in by.get((name, "switchboard", k), {})]
        b = [by[(name, "netcoreserver", k)][field] for k in rounds if field in by.get((name, "netcoreserver", k), {})]
        ratios = [by[(name, "switchboard", k)][field] / by[(name, "netcoreserver", k)][field] for k in rounds
                  if field in by.get((name, "switchboard", k), {}) and by.get((name, "netcoreserver", k), {}).get(field)]
        ratios_of[(name, field)] = ratios
        if higher is None:
            word = "(context)"
        elif not ratios:
            word = "–"
        else:
            ahead = [(x > 1) if higher else (x < 1) for x in ratios]
            word = "**ahead**" if all(ahead) else "**behind**" if not any(ahead) else "mixed"
        print(f"| {label} | {spread(a, digits, unit)} | {spread(b, digits, unit)} | {spread(ratios, 2)}× | "
              f"{'higher' if higher else 'lower' if higher is False else ''} | {word} |")
    ncs_conn = runs.get("ncs-connections-10k")
    sb_conn = runs.get("connections-10k")
    if ncs_conn and sb_conn and "server_bytes_per_connection" in ncs_conn and "server_bytes_per_connection" in sb_conn:
        a, b = sb_conn["server_bytes_per_connection"], ncs_conn["server_bytes_per_connection"]
        print(f"| server memory per idle connection (10,000, fresh servers, one run each) | {a / 1024:.1f} KiB | "
              f"{b / 1024:.1f} KiB | {a / b:.2f}× | lower | {'**ahead**' if a < b else '**behind**'} |")
    print()

    print("Every side-by-side run (commands with their ports; `--server-pid` is the server's process id in this run):\n")
    print("| round | server | scenario | msg/s | p50 µs | p99 µs | server CPU s | CPU ns/msg | load before → after | command |")
    print("|---:|---|---|---:|---:|---:|---:|---:|---|---|")
    for r in side:
        if "error" in r:
            print(f"| {r['round']} | {r['server']} | {r['name']} | failed | | | | | | `{r['command']}` |")
            continue
        print(f"| {r['round']} | {r['server']} | {r['name'][4:]} | {fmt(r.get('msgs_per_s'))} | {fmt(r.get('p50_us'), 1)} | "
              f"{fmt(r.get('p99_us'), 1)} | {fmt(r.get('server_cpu_s'), 2)} | {fmt(r.get('server_cpu_ns_per_msg'))} | "
              f"{fmt(r.get('load_before'), 2)} → {fmt(r.get('load_after'), 2)} | `{r['command']}` |")
    print()

    def decide(ratios, ok):
        if not ratios:
            return "**not measured**"
        good = [ok(x) for x in ratios]
        return "**met**" if all(good) else "**missed**" if not any(good) else "**mixed** (met in " + \
            f"{sum(good)} of {len(good)} rounds)"

    rows = []
    for name, label in (("sbs-echo-1x1000", "1 client"), ("sbs-echo-100x1000", "100 clients")):
        ratios = ratios_of.get((name, "msgs_per_s"), [])
        rows.append(f"| echo 32 B, {label}: ≥ 1.0 × NetCoreServer (goal 1.25×), same client, same run | "
                    f"{spread(ratios, 2)}× over {len(ratios)} rounds | {decide(ratios, lambda x: x >= 1.0)} |")
        cpu = ratios_of.get((name, "server_cpu_ns_per_msg"), [])
        rows.append(f"| server CPU per echoed message, {label}: ≤ NetCoreServer's | "
                    f"{spread(cpu, 2)}× over {len(cpu)} rounds | {decide(cpu, lambda x: x <= 1.0)} |")
    return rows


def main(out):
    """Prints the summary; with --into FILE, also puts it between FILE's results markers."""
    runs, side = load(out)
    sp = sockperf(out)
    mid = sockperf(out, "sockperf-mid.txt")
    after = sockperf(out, "sockperf-after.txt")
    gbit = iperf(out)
    env = open(os.path.join(out, "environment.txt")).read().strip()
    print(f"# Bench run {os.path.basename(out)}\n")
    print("```\n" + env + "\n```\n")

    if gbit is not None or sp:
        print("## Reference figures (same run)\n")
        print(f"- iperf3 TCP over loopback, 5 s: **{fmt(gbit, 2)} Gbit/s** (`iperf3 -c 127.0.0.1 -t 5`)")
    if sp:
        print(f"- sockperf TCP ping-pong, 32 B, 5 s, full round trip: p50 **{fmt(sp.get(50.0), 2)} µs**, "
              f"p99 {fmt(sp.get(99.0), 2)} µs, p99.9 {fmt(sp.get(99.9), 2)} µs "
              f"(`sockperf ping-pong -i 127.0.0.1 --tcp -m 32 -t 5 --full-rtt`)")
    if mid:
        print(f"- sockperf again between our two pingpong runs: p50 **{fmt(mid.get(50.0), 2)} µs**, p99 {fmt(mid.get(99.0), 2)} µs")
    if after:
        print(f"- sockperf again after our pingpong runs: p50 **{fmt(after.get(50.0), 2)} µs**, p99 {fmt(after.get(99.0), 2)} µs")
    if mid or after:
        print("- each pingpong run is compared with the sockperf runs just before and just after it")
    if gbit is not None or sp:
        print()
    cpus = re.search(r"^cpus: (\d+)", env, re.M)
    side_verdicts = side_by_side(side, runs, cpus.group(1) if cpus else "?")

    if runs:
        print("## Our figures\n")
        print("| run | msg/s | MiB/s | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | other | command |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
        known = {"scenario", "target", "transport", "clients", "in_flight", "size", "duration_s", "messages", "bytes",
                 "msgs_per_s", "mib_per_s", "samples", "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "mean_us",
                 "name", "command", "load_before", "load_after", "server"}
        for name, r in runs.items():
            if "error" in r:
                print(f"| {name} | failed | | | | | | | | `{r['command']}` |")
                continue
            other = ", ".join(f"{k}={fmt(v, 1) if isinstance(v, float) and v % 1 else fmt(v)}" for k, v in r.items() if k not in known)
            print(f"| {name} | {fmt(r.get('msgs_per_s'))} | {fmt(r.get('mib_per_s'), 1)} | {fmt(r.get('p50_us'), 1)} | "
                  f"{fmt(r.get('p90_us'), 1)} | {fmt(r.get('p99_us'), 1)} | {fmt(r.get('p999_us'), 1)} | "
                  f"{fmt(r.get('max_us'), 1)} | {other} | `{r['command']}` |")
        print()

    print("## Targets\n")
    print("| target | measured | verdict |")
    print("|---|---|---|")
    # Each pingpong run against the sockperf runs on either side of it: the shared machine's latency can shift
    # within a minute. Met or missed only when both neighbours agree.
    second = mid if mid else after
    neighbours = {"pingpong-inline": (sp, second), "pingpong-default": (second if mid else sp, after)}
    for name, label in (("pingpong-inline", "inline echo server"), ("pingpong-default", "default echo server")):
        r = runs.get(name)
        refs = [ref.get(50.0) for ref in neighbours[name] if ref and ref.get(50.0)]
        if not r or "p50_us" not in r or not refs:
            continue
        ratios = [r["p50_us"] / ref for ref in refs]
        shown = " and ".join(f"{ref:.1f} µs ({ratio:.2f}×)" for ref, ratio in zip(refs, ratios))
        ok = [ratio <= 1.5 for ratio in ratios]
        word = "**met**" if all(ok) else "**missed**" if not any(ok) else "**inconclusive** (the reference moved during the run)"
        print(f"| pingpong p50 ≤ 1.5 × sockperf ({label}) | {r['p50_us']:.1f} µs vs sockperf {shown} | {word} |")
    for row in side_verdicts:
        print(row)
    warm = [runs.get(f"fanout-serve-{n}") for n in (1, 2, 3)]
    cold = runs.get("fanout-serve-cold")
    if not runs:
        pass
    elif all(r and "msgs_per_s" in r for r in warm):
        oks = [r["msgs_per_s"] >= 500_000 and r["p99_us"] < 20_000 for r in warm]
        shown = "; ".join(f"{fmt(r['msgs_per_s'])}/s, p99 {r['p99_us'] / 1000:.1f} ms" for r in warm)
        word = "**met** (3 runs of 3)" if all(oks) else f"**missed** (met in {sum(oks)} of 3 runs)"
        print(f"| fanout (serve, persistence on): ≥ 500,000 deliveries/s, p99 < 20 ms, 3 runs of 3 on a warm server | {shown} | {word} |")
        if cold and "msgs_per_s" in cold:
            print(f"| (context) the same, the fresh server's first {cold['duration_s']:.0f} s (JIT, thread pool ramp-up) | "
                  f"{fmt(cold['msgs_per_s'])}/s, p99 {cold['p99_us'] / 1000:.1f} ms | (not a target run) |")
    else:
        print("| fanout (serve, persistence on): ≥ 500,000 deliveries/s, p99 < 20 ms | not run: `switchboard serve` is not in this build | **not measured** |")
    r = runs.get("fanout-relay")
    if r and "msgs_per_s" in r:
        ok = r["msgs_per_s"] >= 500_000 and r["p99_us"] < 20_000
        print(f"| (stand-in) fanout on listen --mode relay, no persistence | {fmt(r['msgs_per_s'])}/s, p99 {r['p99_us'] / 1000:.1f} ms | "
              f"{verdict(ok)} |")
    r = runs.get("connections-10k")
    if r and "server_bytes_per_connection" in r:
        per = r["server_bytes_per_connection"]
        print(f"| 10,000 idle connections at ≤ 8 KiB of server memory each | {fmt(r.get('server_connections'))} held, "
              f"{fmt(per)} B each (VmRSS {fmt(r['server_rss_before_kib'])} → {fmt(r['server_rss_after_kib'])} KiB) | {verdict(per <= 8192)} |")
    tables = micro(out)
    if tables:
        allocating = []
        for title, rows in tables:
            header = [c.strip() for c in rows[0].strip("|").split("|")]
            if "Allocated" not in header:
                continue
            col = header.index("Allocated")
            for row in rows[2:]:
                # BenchmarkDotNet's GitHub tables put the best rows in bold.
                cells = [c.strip().strip("*") for c in row.strip("|").split("|")]
                if len(cells) > col and cells[col] not in ("-", "0 B", "0.00 B", "NA"):
                    allocating.append(f"{title}.{cells[0]}: {cells[col]}")
        detail = "none allocate" if not allocating else "; ".join(allocating)
        print(f"| framing readers and writers: zero allocations per message | {detail} | {verdict(not allocating)} |")
    print()

    for title, rows in tables:
        print(f"### Micro-benchmarks: {title}\n")
        print("\n".join(rows))
        print()


MARK_BEGIN = "<!-- bench results: begin (written by bench/summarize.py --into) -->"
MARK_END = "<!-- bench results: end -->"

if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[2] == "--into":
        import contextlib
        import io
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            main(sys.argv[1])
        # One level down: the summary's headings become subsections of the document's Results.
        body = "\n".join(("##" + line) if line.startswith("#") else line for line in buffer.getvalue().splitlines())
        doc = open(sys.argv[3]).read()
        start, end = doc.index(MARK_BEGIN) + len(MARK_BEGIN), doc.index(MARK_END)
        open(sys.argv[3], "w").write(doc[:start] + "\n" + body.strip() + "\n" + doc[end:])
    else:
        main(sys.argv[1])
