#!/usr/bin/env python3
"""The container image and Kubernetes manifests (deploy/) against the real binaries.

Usage: deploy_test.py REPO_ROOT BLOCKDB_SERVER BLOCKDB_CLI

No container engine or cluster is needed: the test reads deploy/docker/Dockerfile and
deploy/k8s/*.yaml and checks what they promise against what BlockDB does.
- The manifests agree with each other: Service target ports and probe ports name container
  ports, the StatefulSet's service is the headless Service, labels select the pods, the config
  file the container is started with is the ConfigMap's, the data directory is on the volume.
- The ports the image exposes and the container declares are the ones the configuration makes
  the server listen on; the image's user is the one the pod runs as.
- blockdb-server starts with the ConfigMap's file and the image's and pod's environment (so every
  key is one the server accepts: an unknown one stops it with exit 2), the probes' paths answer
  200 once it is up, the image's HEALTHCHECK command exits 0, and SIGTERM stops it with exit 0.
  Only the data directory and the ports are redirected (flags win over file and environment),
  and the server listens on loopback here.
- The runtime group of scripts/install-deps.sh (the image's final stage) provides every shared
  library the two binaries link directly.
- With kubectl present, `kubectl kustomize deploy/k8s` renders the four objects.
Exit status 0 when every check passed.
"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request

import yaml

DEADLINE_S = 30
# Packages every Debian 12 image (debian:12-slim included) already has.
BASE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}


def fail(msg):
    raise SystemExit("FAIL: " + msg)


def check(cond, msg):
    if not cond:
        fail(msg)


def read_dockerfile(path):
    """Instructions of the final stage and the whole file, continuation lines joined."""
    text = open(path).read()
    text = re.sub(r"\\\n", " ", text)
    lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
    stages = []
    for line in lines:
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            stages.append([])
        stages[-1].append((word.upper(), rest.strip()))
    return stages


def dockerfile_env(instructions):
    env = {}
    for word, rest in instructions:
        if word == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                env[key] = value
    return env


def load_manifests(k8s_dir):
    objects = {}
    for name in sorted(os.listdir(k8s_dir)):
        if not name.endswith(".yaml") or name == "kustomization.yaml":
            continue
        with open(os.path.join(k8s_dir, name)) as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    objects[(doc["kind"], doc["metadata"]["name"])] = doc
    return objects


def one(objects, kind):
    found = [o for (k, _), o in objects.items() if k == kind]
    check(len(found) == 1, f"expected one {kind}, found {len(found)}")
    return found[0]


def check_manifests(objects, kustomization):
    sts = one(objects, "StatefulSet")
    config_map = one(objects, "ConfigMap")
    services = [o for (k, _), o in objects.items() if k == "Service"]
    pod = sts["spec"]["template"]
    containers = pod["spec"]["containers"]
    check(len(containers) == 1, "the pod runs one container")
    c = containers[0]
    port_names = {p["name"]: p["containerPort"] for p in c["ports"]}

    # Replicas: one until replication exists; more would be independent databases behind one name.
    check(sts["spec"]["replicas"] == 1, "StatefulSet replicas must be 1 (no Raft yet)")
    headless = [s for s in services if s["spec"].get("clusterIP") == "None"]
    check(len(headless) == 1, "one headless Service")
    check(sts["spec"]["serviceName"] == headless[0]["metadata"]["name"],
          "StatefulSet serviceName is the headless Service")

    # Labels: the selector matches the template (kustomize adds the common labels to both).
    common = kustomization["labels"][0]["pairs"]
    sel = dict(sts["spec"]["selector"]["matchLabels"], **common)
    labels = dict(pod["metadata"]["labels"], **common)
    check(all(labels.get(k) == v for k, v in sel.items()), "selector matches pod labels")
    for s in services:
        for p in s["spec"]["ports"]:
            check(p["targetPort"] in port_names,
                  f"Service {s['metadata']['name']} targets unknown port {p['targetPort']}")
            check(p["port"] == port_names[p["targetPort"]],
                  f"Service {s['metadata']['name']} port {p['port']} differs from the container's")
    probes = {}
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        probe = c.get(kind)
        check(probe is not None, f"container has a {kind}")
        check(probe["httpGet"]["port"] in port_names, f"{kind} port names a container port")
        check(port_names[probe["httpGet"]["port"]] == port_names["http"],
              f"{kind} probes the HTTP sidecar")
        probes[kind] = probe["httpGet"]["path"]

    # The config file: --config PATH, PATH inside the ConfigMap's mount, named after its key.
    args = c["args"]
    check("--config" in args, "container is started with --config")
    config_path = args[args.index("--config") + 1]
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    config_volume = [n for n, v in volumes.items()
                     if v.get("configMap", {}).get("name") == config_map["metadata"]["name"]]
    check(len(config_volume) == 1, "the ConfigMap is mounted")
    check(os.path.dirname(config_path) == mounts[config_volume[0]],
          "--config points into the ConfigMap's mount")
    key = os.path.basename(config_path)
    check(key in config_map["data"], f"ConfigMap has the key {key}")
    toml_text = config_map["data"][key]
    config = tomllib.loads(toml_text)

    # The data directory lives on the volume claim.
    claims = [t["metadata"]["name"] for t in sts["spec"]["volumeClaimTemplates"]]
    data_dir = config["database"]["data_dir"]
    check(any(data_dir == mounts[n] or data_dir.startswith(mounts[n] + "/") for n in claims),
          f"data_dir {data_dir} is on a persistent volume")

    # The ports the server will listen on are the ones declared.
    server = config.get("server", {})
    check(port_names["postgres"] == server.get("port", 5433), "postgres port matches server.port")
    check(port_names["http"] == server.get("http_port", 8080), "http port matches server.http_port")
    check(server.get("host") == "0.0.0.0", "the pod's server listens beyond loopback")

    env = {}
    for e in c.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
        else:
            env[e["name"]] = "test-" + e["valueFrom"]["secretKeyRef"]["key"]
    run_as = pod["spec"]["securityContext"]["runAsUser"]
    return toml_text, env, probes, port_names, run_as


def check_dockerfile(stages, root, port_names, run_as):
    check(len(stages) == 2, "Dockerfile has a build stage and a final stage")
    build, final = stages
    check(any(w == "RUN" and "install-deps.sh --build" in r for w, r in build),
          "build stage installs the build group")
    check(any(w == "RUN" and "install-deps.sh --runtime" in r for w, r in final),
          "final stage installs the runtime group")
    for stage in stages:
        for word, rest in stage:
            if word == "COPY" and "--from=" not in rest:
                for src in shlex.split(rest)[:-1]:
                    check(os.path.exists(os.path.join(root, src)), f"COPY source {src} exists")
    exposed = {int(p) for w, r in final if w == "EXPOSE" for p in r.split()}
    check(exposed == set(port_names.values()), f"EXPOSE {exposed} matches the declared ports")
    check(exposed == {5433, 8080}, "EXPOSE matches the default server.port and http_port")
    users = [r for w, r in final if w == "RUN" and "useradd" in r]
    check(users and f"--uid {run_as}" in users[0], f"the image's user has uid {run_as}")
    entry = [r for w, r in final if w == "ENTRYPOINT"]
    check(entry == ['["blockdb-server"]'], "ENTRYPOINT is blockdb-server")
    health = [r for w, r in final if w == "HEALTHCHECK"]
    check(len(health) == 1, "the image has a HEALTHCHECK")
    cmd = re.search(r"CMD\s+(\[.*\])", health[0])
    check(cmd is not None, "HEALTHCHECK runs an exec-form command")
    return dockerfile_env(final), yaml.safe_load(cmd.group(1))


def http_get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def poll_status(port, path, want):
    deadline = time.monotonic() + DEADLINE_S
    status = None
    while time.monotonic() < deadline:
        status = http_get(port, path)
        if status == want:
            return
        time.sleep(0.05)
    fail(f"GET {path} answered {status}, not {want}, within {DEADLINE_S} s")


def run_server(server, cli, toml_text, env_vars, probes, health_cmd):
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "blockdb.toml")
        with open(config, "w") as f:
            f.write(toml_text)
        env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKDB_")}
        env.update(env_vars)
        proc = subprocess.Popen(
            [server, "--config", config, "--data-dir", os.path.join(tmp, "data"),
             "--host", "127.0.0.1", "--pg-port", "0", "--http-port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
        try:
            deadline = time.monotonic() + DEADLINE_S
            output = ""
            http_port = None
            while time.monotonic() < deadline and http_port is None:
                line = proc.stdout.readline()
                if not line:
                    break
                output += line
                m = re.search(r"http listening on 127\.0\.0\.1:(\d+)", line)
                if m:
                    http_port = int(m.group(1))
            if http_port is None:
                proc.kill()
                fail(f"server did not start with the manifests' configuration "
                     f"(exit {proc.wait()}):\n{output}")
            if 'format = "json"' in toml_text:
                check('"level":' in output, "log.format = json gives JSON lines")
            for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
                poll_status(http_port, probes[kind], 200)
            check(health_cmd[0] == "blockdb-cli", "HEALTHCHECK runs blockdb-cli")
            hc = subprocess.run([cli] + health_cmd[1:] + ["--http-port", str(http_port)],
                                capture_output=True, text=True, env=env, timeout=DEADLINE_S)
            check(hc.returncode == 0, f"HEALTHCHECK command exits {hc.returncode}: {hc.stdout}"
                  f"{hc.stderr}")
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=DEADLINE_S)
        check(code == 0, f"server exited {code} after SIGTERM")


def package_of(path):
    for candidate in (os.path.realpath(path), path, "/usr" + path):
        r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0]
    fail(f"no Debian package owns {path}")


def check_runtime_packages(root, binaries):
    runtime = set(subprocess.run(
        ["bash", os.path.join(root, "scripts/install-deps.sh"), "--runtime", "--list"],
        capture_output=True, text=True, check=True).stdout.split())
    check("tzdata" in runtime, "the runtime group has tzdata (named time zones)")
    for binary in binaries:
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]",
                            subprocess.run(["readelf", "-d", binary], capture_output=True,
                                           text=True, check=True).stdout)
        resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", subprocess.run(
            ["ldd", binary], capture_output=True, text=True, check=True).stdout, re.M))
        check(needed, f"readelf lists the libraries {binary} needs")
        for lib in needed:
            check(lib in resolved, f"ldd resolves {lib}")
            pkg = package_of(resolved[lib])
            check(pkg in runtime or pkg in BASE_PACKAGES,
                  f"{os.path.basename(binary)} links {lib} from {pkg}, which the runtime group "
                  f"of scripts/install-deps.sh lacks")


def check_kustomize(k8s_dir):
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        print("kubectl not found: rendering with kustomize not checked")
        return
    r = subprocess.run([kubectl, "kustomize", k8s_dir], capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, f"kubectl kustomize failed: {r.stderr}")
    kinds = sorted(d["kind"] for d in yaml.safe_load_all(r.stdout) if d)
    check(kinds == ["ConfigMap", "Service", "Service", "StatefulSet"],
          f"kustomize renders {kinds}")


def main():
    root, server, cli = sys.argv[1:4]
    k8s_dir = os.path.join(root, "deploy/k8s")
    with open(os.path.join(k8s_dir, "kustomization.yaml")) as f:
        kustomization = yaml.safe_load(f)
    objects = load_manifests(k8s_dir)
    toml_text, pod_env, probes, port_names, run_as = check_manifests(objects, kustomization)
    image_env, health_cmd = check_dockerfile(
        read_dockerfile(os.path.join(root, "deploy/docker/Dockerfile")), root, port_names,
        run_as)
    check(image_env.get("BLOCKDB_SERVER_HOST") == "0.0.0.0", "the image listens beyond loopback")
    run_server(server, cli, toml_text, dict(image_env, **pod_env), probes, health_cmd)
    # The image on its own (no config file): its environment alone must start the server too.
    run_server(server, cli, "", image_env, probes, health_cmd)
    check_runtime_packages(root, [server, cli])
    check_kustomize(k8s_dir)
    print("deploy: all checks passed")


if __name__ == "__main__":
    main()
