"""The mock, one or more plexus gateways and nginx in front of the mock, on free loopback ports, and the passthrough
targets through each, and the benchmark relays: the set-up shared by ab.py, cpu.py and floor.py."""

import os

import benchlib as B
import report

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = "sk-bench-" + "0" * 24
LIMITED_KEY = "sk-bench-limited-" + "0" * 16
KEYS = {"bench": KEY, "limited": LIMITED_KEY}


def start(mock_binary, gateways, d):
    """Starts the mock (from `mock_binary`), each gateway of `gateways` (name -> binary; usage logging on, SQLite in
    its own folder) and nginx; returns the ports and the processes by name."""
    wrk = B.ensure_debian_package("wrk", "wrk")
    nginx = B.ensure_debian_package("nginx", "nginx-light")
    ports = {name: B.free_port() for name in ["mock", "nginx", *gateways]}
    procs = {"mock": B.Proc("mock", [mock_binary, "mock", "--port", str(ports["mock"])], d)}
    try:
        B.wait_listening(ports["mock"], procs["mock"])
        env = dict(os.environ, PLEXUS_BENCH_KEY=KEY, PLEXUS_BENCH_LIMITED_KEY=LIMITED_KEY)
        for name, binary in gateways.items():
            folder = os.path.join(d, name)
            os.makedirs(folder)
            fill = {"@DIR@": folder, "@PORT@": str(ports[name]), "@MOCK_PORT@": str(ports["mock"])}
            with open(os.path.join(folder, "plexus.yaml"), "w") as f:
                f.write(report.fill(os.path.join(HERE, "plexus.yaml.tmpl"), fill))
            config = os.path.join(folder, "plexus.yaml")
            procs[name] = B.Proc(name, [binary, "serve", "--config", config], folder, env=env)
            B.wait_listening(ports[name], procs[name])
        fill = {"@DIR@": d, "@PORT@": str(ports["nginx"]), "@MOCK_PORT@": str(ports["mock"])}
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write(report.fill(os.path.join(HERE, "nginx.conf.tmpl"), fill))
        procs["nginx"] = B.Proc("nginx", [nginx, "-c", os.path.join(d, "nginx.conf"), "-p", d], d)
        B.wait_listening(ports["nginx"], procs["nginx"])
    except BaseException:
        stop(procs)
        raise
    return wrk, ports, procs


def passthrough_targets(ports, d, gateways, keys=None):
    """The passthrough scenario against the mock directly, through nginx and through each gateway, checked.
    `keys` names the configured key (`bench` or `limited`) each gateway's requests send (default `bench`)."""
    bodies = {"direct": B.chat_body("mock"), "routed": B.chat_body("bench-chat")}
    for name, body in bodies.items():
        with open(os.path.join(d, name + ".json"), "wb") as f:
            f.write(body)
    auth = [f"Authorization: Bearer {KEY}"]
    url = "http://127.0.0.1:{}/v1/chat/completions"
    direct = os.path.join(d, "direct.json")
    targets = {
        "direct": B.Target(url.format(ports["mock"]), direct, auth),
        "nginx": B.Target(url.format(ports["nginx"]), direct, auth),
    }
    for name in gateways:
        key = KEYS[(keys or {}).get(name, "bench")]
        targets[name] = B.Target(url.format(ports[name]), os.path.join(d, "routed.json"), [f"Authorization: Bearer {key}"])
    for t in targets.values():
        t.check()
    return targets


def stop(procs):
    for proc in procs.values():
        proc.stop()


def add_relay(kind, bench, ports, procs, d, direct):
    """Starts `plexus-bench KIND` (`relay` or `client-relay`) in front of the mock, registered in `ports` and `procs`
    under its kind; returns the passthrough target through it (the direct request, sent to the relay), checked."""
    ports[kind] = B.free_port()
    procs[kind] = B.Proc(kind, [bench, kind, "--port", str(ports[kind]), "--upstream", str(ports["mock"])], d)
    B.wait_listening(ports[kind], procs[kind])
    target = B.Target(direct.url.replace(str(ports["mock"]), str(ports[kind]), 1), direct.body_path, direct.headers)
    target.check()
    return target
