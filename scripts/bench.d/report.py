"""Tables, medians over runs, budget checks and the docs/benchmarks.md block for scripts/bench."""

import os
import platform
import statistics
import subprocess

BEGIN = "<!-- bench:results:begin (written by scripts/bench) -->"
END = "<!-- bench:results:end -->"

TITLES = {
    "pass": "unary OpenAI→OpenAI (passthrough)",
    "o2a": "unary OpenAI→Anthropic (translated)",
    "a2g": "unary Anthropic→Gemini (translated)",
    "pass_s": "stream OpenAI→OpenAI (passthrough)",
    "o2a_s": "stream OpenAI→Anthropic (translated)",
}


def fill(path, values):
    with open(path) as f:
        text = f.read()
    for k, v in values.items():
        text = text.replace(k, v)
    return text


def _num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def medians(runs):
    """The median of every numeric figure over the runs (same shape as one run)."""
    first = runs[0]
    if isinstance(first, dict):
        return {k: medians([r.get(k) for r in runs if isinstance(r, dict) and k in r]) for k in first}
    nums = [r for r in runs if _num(r)]
    if nums and len(nums) == len(runs):
        return round(statistics.median(nums), 3)
    return first


def ms(us):
    return "–" if us is None else f"{us / 1000:.3f}"


def added(r, name, key, base="direct"):
    a, b = r.get(name), r.get(base)
    if not a or not b:
        return None
    return a["latency_us"][key] - b["latency_us"][key]


def _stream_added(s, name, key):
    a, b = s.get(name), s.get("direct")
    if not a or not b or not a.get(key) or not b.get(key):
        return None
    return a[key]["p50"] - b[key]["p50"]


def derive(result):
    """Added latency and ratios of one run, so medians are taken over the derived figures, not derived from medians."""
    d = {}
    for s, r in result["fixed"].items():
        for name in r:
            if name != "direct":
                d[f"{s}.{name}.added_p50_us"] = added(r, name, "p50")
                d[f"{s}.{name}.added_p99_us"] = added(r, name, "p99")
    c = result["closed"]
    for name in c:
        d[f"closed.{name}.vs_direct"] = round(c[name]["rps"] / c["direct"]["rps"], 3)
        d[f"closed.{name}.vs_nginx"] = round(c[name]["rps"] / c["nginx"]["rps"], 3)
    for s, r in result["streams"].items():
        for name in r:
            if name != "direct":
                d[f"{s}.{name}.added_ttft_us"] = _stream_added(r, name, "ttft_us")
                d[f"{s}.{name}.added_first_event_us"] = _stream_added(r, name, "first_event_us")
                d[f"{s}.{name}.added_per_event_us"] = _stream_added(r, name, "per_event_us")
    result["derived"] = d
    return result


def _fmt(v, unit="ms"):
    if v is None:
        return "–"
    return f"{v / 1000:.3f}" if unit == "ms" else f"{v:.1f}"


def run_tables(result, args, title):
    if "derived" not in result:
        derive(result)
    d = result["derived"]
    lines = [f"### {title}", "",
             f"Load average (1 min) when the run started: {result.get('load_average', 0):.2f} "
             f"(other work on the machine skews latency; ratios within a run hold better).", "",
             f"Unary at a fixed rate (~{args.rate} req/s: {args.fixed_connections} connections, each pausing "
             f"{args.fixed_connections * 1000 // args.rate} ms on average, at random, between requests), "
             f"{args.seconds:g} s per target in {getattr(args, 'slices', 1)} slices taken in turn; latency in ms.", "",
             "| scenario | target | req/s | p50 | p99 | added p50 | added p99 | errors |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for s, r in result["fixed"].items():
        for name, w in r.items():
            lines.append(f"| {TITLES[s]} | {name} | {w['rps']:.0f} | {ms(w['latency_us']['p50'])} | "
                         f"{ms(w['latency_us']['p99'])} | {_fmt(d.get(f'{s}.{name}.added_p50_us'))} | "
                         f"{_fmt(d.get(f'{s}.{name}.added_p99_us'))} | {w['error_count']:.0f} |")
    lines += ["", f"Closed loop, passthrough, {args.closed_connections} connections, {args.seconds:g} s.", "",
              "| target | req/s | p50 ms | p99 ms | × direct | × nginx | errors |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, w in result["closed"].items():
        lines.append(f"| {name} | {w['rps']:.0f} | {ms(w['latency_us']['p50'])} | {ms(w['latency_us']['p99'])} | "
                     f"{d[f'closed.{name}.vs_direct']:.2f} | {d[f'closed.{name}.vs_nginx']:.2f} | "
                     f"{w['error_count']:.0f} |")
    lines += ["", f"Streams of 500 events, one at a time, {args.streams} per target (p50 over streams); "
              "TTFT = first event carrying text.", "",
              "| scenario | target | events | TTFT ms | per event µs | added TTFT ms | added per event µs | errors |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    for s, r in result["streams"].items():
        for name, x in r.items():
            ttft = (x.get("ttft_us") or {}).get("p50")
            per = (x.get("per_event_us") or {}).get("p50")
            lines.append(f"| {TITLES[s]} | {name} | {x.get('events_per_stream') or 0:.0f} | {_fmt(ttft)} | "
                         f"{_fmt(per, 'us')} | {_fmt(d.get(f'{s}.{name}.added_ttft_us'))} | "
                         f"{_fmt(d.get(f'{s}.{name}.added_per_event_us'), 'us')} | {x.get('errors', 0):.0f} |")
    m = result["memory"]
    lines += ["", "Gateway memory (MiB) and start-up.", "",
              "| idle RSS | peak RSS after unary load | RSS with streams open | peak RSS overall | streams open | "
              "start-up ms |", "|---:|---:|---:|---:|---:|---:|",
              f"| {m['idle']['rss_mib']:.1f} | {m['load']['hwm_mib']:.1f} | {m['streams']['rss_mib']:.1f} | "
              f"{m['end']['hwm_mib']:.1f} | {m['streams_opened']:.0f} | {result['startup_ms']:.0f} |", ""]
    return "\n".join(lines)


def budget_rows(m):
    d = m["derived"]
    rows = [
        ("passthrough added p50 at 1,000 req/s", d.get("pass.gateway.added_p50_us"), "≤ 0.2 ms", 200, "ms"),
        ("passthrough added p99 at 1,000 req/s", d.get("pass.gateway.added_p99_us"), "≤ 1 ms", 1000, "ms"),
        ("translated (OpenAI→Anthropic) added p50", d.get("o2a.gateway.added_p50_us"), "≤ 0.4 ms", 400, "ms"),
        ("translated (Anthropic→Gemini) added p50", d.get("a2g.gateway.added_p50_us"), "≤ 0.4 ms", 400, "ms"),
        ("translated stream added TTFT p50", d.get("o2a_s.gateway.added_ttft_us"), "≤ 1 ms", 1000, "ms"),
        ("translated stream added per event", d.get("o2a_s.gateway.added_per_event_us"), "≤ 20 µs", 20, "us"),
        ("passthrough stream added TTFT p50", d.get("pass_s.gateway.added_ttft_us"), "≤ 1 ms", 1000, "ms"),
        ("passthrough stream added per event", d.get("pass_s.gateway.added_per_event_us"), "≤ 20 µs", 20, "us"),
    ]
    out = [(name, v, budget, v is not None and v <= limit, unit) for name, v, budget, limit, unit in rows]
    ratio = d.get("closed.gateway.vs_nginx")
    out.append(("closed-loop throughput vs nginx", ratio, "≥ 0.5 ×", ratio is not None and ratio >= 0.5, "x"))
    mem = m["memory"]
    out.append(("RSS idle", mem["idle"]["rss_mib"], "≤ 64 MiB", mem["idle"]["rss_mib"] <= 64, "MiB"))
    s = mem["streams"]["rss_mib"]
    out.append((f"RSS with {mem['streams_opened']:.0f} streams", s, "≤ 256 MiB", s <= 256, "MiB"))
    out.append(("start-up (listening)", m["startup_ms"], "≤ 300 ms", m["startup_ms"] <= 300, "ms_raw"))
    return out


def budgets(m):
    lines = ["| figure | value | budget | met |", "|---|---:|---|---|"]
    for name, v, budget, ok, unit in budget_rows(m):
        if v is None:
            text = "–"
        elif unit == "ms":
            text = f"{v / 1000:.3f} ms"
        elif unit == "us":
            text = f"{v:.1f} µs"
        elif unit == "x":
            text = f"{v:.2f} ×"
        elif unit == "MiB":
            text = f"{v:.1f} MiB"
        else:
            text = f"{v:.0f} ms"
        lines.append(f"| {name} | {text} | {budget} | {'yes' if ok else '**no**'} |")
    return "\n".join(lines) + "\n"


FLOORS = [("nginx", "nginx"), ("relay", "relay: SwiftNIO, bytes copied, no HTTP"),
          ("client-relay", "client-relay: NIOHTTP1 + AsyncHTTPClient, nothing else"), ("gateway", "gateway")]


def floors(m):
    """Each proxy's passthrough figures as ratios to nginx's: the budgets of issue 17 (added p50 at most 2 ×
    nginx's, closed-loop throughput at least 0.5 × nginx's) set beside the floor of a proxy on SwiftNIO and of
    one on AsyncHTTPClient."""
    d = m["derived"]
    nginx = d.get("pass.nginx.added_p50_us")
    lines = ["| proxy | passthrough added p50 | × nginx's added p50 | closed-loop × nginx |", "|---|---:|---:|---:|"]
    for name, title in FLOORS:
        added, ratio = d.get(f"pass.{name}.added_p50_us"), d.get(f"closed.{name}.vs_nginx")
        if added is None or ratio is None:
            continue
        times = f"{added / nginx:.1f}" if nginx and nginx > 0 else "–"
        lines.append(f"| {title} | {added / 1000:.3f} ms | {times} | {ratio:.2f} |")
    return "\n".join(lines) + "\n"


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    osname = platform.platform()
    try:
        with open("/etc/os-release") as f:
            osname = next(line.split("=", 1)[1].strip().strip('"') for line in f if line.startswith("PRETTY_NAME"))
    except (OSError, StopIteration):
        pass
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return f"{cpu}, {os.cpu_count()} cores, {mem}; {osname}, kernel {platform.release()}; " \
           f"{swift[0] if swift else 'swift ?'}"


def write_doc(path, runs, med, args, started):
    block = [BEGIN, "",
             f"Date: {started.strftime('%Y-%m-%d %H:%M UTC')}. Machine: {machine()}.", "",
             f"Command: `{' '.join(['scripts/bench'] + args.argv)}` ({len(runs)} runs; "
             f"{args.wrk_version}; {args.nginx_version}).", "",
             "#### Budgets (medians over runs)", "", budgets(med),
             "#### Against nginx, beside the floors (medians over runs)", "", floors(med),
             run_tables(med, args, f"Medians over {len(runs)} runs").replace("### ", "#### "), ""]
    for i, r in enumerate(runs, 1):
        block.append(run_tables(r, args, f"Run {i}").replace("### ", "#### "))
    block.append(END)
    text = "\n".join(block)
    if os.path.exists(path):
        with open(path) as f:
            doc = f.read()
        if BEGIN in doc and END in doc:
            doc = doc[:doc.index(BEGIN)] + text + doc[doc.index(END) + len(END):]
        else:
            doc = doc.rstrip() + "\n\n## Latest results\n\n" + text + "\n"
    else:
        doc = "# Benchmarks\n\n## Latest results\n\n" + text + "\n"
    with open(path, "w") as f:
        f.write(doc)
