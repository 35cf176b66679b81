#!/usr/bin/env python3
"""Static checks of docker-compose.yml against the Dockerfile and Prassi's configuration.

    python3 federation-tests/check_compose.py docker-compose.yml
    python3 federation-tests/check_compose.py --emit-processes docker-compose.yml

There is no container engine in CI, so this checks what can be checked without one: the
file parses; the instances (hub, puglia, toscana) build from the repository's Dockerfile;
each has its own public URL, database, host port and data volume; every PRASSI_* variable
is a setting Prassi reads; the databases they name are created by the PostgreSQL init
script with the credentials of that service, which they wait for (healthy); published
ports are bound to 127.0.0.1; every referenced file exists; the image runs `prassi serve`.

--emit-processes prints, as JSON, what each instance would run: the argument list after
the `prassi` entrypoint and the environment (Dockerfile ENV, then the service's
environment). compose_as_processes.sh uses it to run the same services as plain processes.

YAML is read with PyYAML. When it is not importable, a pinned PyYAML is installed once with
pip into federation-tests/.peers/pyyaml (git- and docker-ignored) and used from there.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
PYYAML_PIN = "pyyaml==6.0.3"
PYYAML_DIR = HERE / ".peers" / "pyyaml"

# The instances the demo must have.
EXPECTED_APPS = ("hub", "puglia", "toscana")

# Settings `prassi` reads (src/config.rs and src/main.rs). The first six are the
# deployment contract; the others are tuning and logging knobs.
KNOWN_SETTINGS = {
    "PRASSI_PUBLIC_URL",
    "PRASSI_BIND",
    "PRASSI_DATABASE_URL",
    "PRASSI_DATA_DIR",
    "PRASSI_ALLOW_PRIVATE_PEERS",
    "PRASSI_INSTANCE_NAME",
    "PRASSI_CONFIG",
    "PRASSI_LOG",
    "PRASSI_LOG_FORMAT",
    "PRASSI_DELIVERY_RETRY_BASE_MS",
    "PRASSI_DELIVERY_RETRY_CAP_SECS",
    "PRASSI_DELIVERY_DEAD_AFTER_SECS",
    "PRASSI_DELIVERY_POLL_MS",
    "PRASSI_FOLLOW_INSTANCES",
    "PRASSI_OUTBOX_PAGE_SIZE",
    "PRASSI_BACKFILL_PAGE_INTERVAL_MS",
}
# What `prassi` does without the variable (src/config.rs).
DEFAULT_BIND = "127.0.0.1:8080"
BOOLEANS = {"1", "true", "yes", "on", "0", "false", "no", "off", ""}


class Failure(Exception):
    pass


# ------------------------------------------------------------------------------ YAML


def import_yaml():
    try:
        import yaml  # noqa: PLC0415

        return yaml
    except ImportError:
        pass
    if not (PYYAML_DIR / "yaml" / "__init__.py").exists():
        print(f"PyYAML is not installed; installing {PYYAML_PIN} into {PYYAML_DIR}", file=sys.stderr)
        PYYAML_DIR.parent.mkdir(parents=True, exist_ok=True)
        # Install beside the final place and rename, so concurrent runs never see half a tree.
        tmp = Path(tempfile.mkdtemp(prefix="pyyaml-", dir=PYYAML_DIR.parent))
        cmd = [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-input", "--target", str(tmp), PYYAML_PIN,
        ]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise Failure(
                "cannot read YAML: PyYAML is not installed and `"
                + " ".join(cmd)
                + "` failed:\n"
                + (r.stderr or r.stdout).strip()
            )
        try:
            tmp.rename(PYYAML_DIR)
        except OSError:
            # Another run got there first.
            subprocess.run(["rm", "-rf", str(tmp)], check=False)
    sys.path.insert(0, str(PYYAML_DIR))
    import yaml  # noqa: PLC0415

    return yaml


def load_yaml(path: Path):
    yaml = import_yaml()

    class StrictLoader(yaml.SafeLoader):
        """SafeLoader that refuses duplicate keys (docker compose refuses them too)."""

        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    try:
        with open(path, encoding="utf-8") as f:
            return yaml.load(f, Loader=StrictLoader)
    except yaml.YAMLError as e:
        raise Failure(f"{path}: not valid YAML: {e}") from e


# ------------------------------------------------------------------------------ Dockerfile


class Dockerfile:
    """The final stage of a Dockerfile, as far as running the image is concerned."""

    def __init__(self, path: Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.env: dict[str, str] = {}
        self.expose: list[str] = []
        self.volumes: list[str] = []
        self.entrypoint: list[str] = []
        self.cmd: list[str] = []
        self.stages = 0
        for keyword, args in self._instructions():
            if keyword == "FROM":
                self.stages += 1
                self.env, self.expose, self.volumes = {}, [], []
                self.entrypoint, self.cmd = [], []
            elif keyword == "ENV":
                self.env.update(self._parse_env(args))
            elif keyword == "EXPOSE":
                self.expose += args.split()
            elif keyword == "VOLUME":
                self.volumes += self._exec_or_words(args)
            elif keyword == "ENTRYPOINT":
                self.entrypoint = self._exec_or_shell(args)
            elif keyword == "CMD":
                self.cmd = self._exec_or_shell(args)

    def _instructions(self):
        buf = ""
        for raw in self.text.splitlines():
            line = raw.strip()
            if not buf and (not line or line.startswith("#")):
                continue
            if buf and line.startswith("#"):
                continue  # comment lines inside a continued instruction
            if line.endswith("\\"):
                buf += line[:-1] + " "
                continue
            buf += line
            keyword, _, args = buf.partition(" ")
            yield keyword.upper(), args.strip()
            buf = ""
        if buf:
            keyword, _, args = buf.partition(" ")
            yield keyword.upper(), args.strip()

    @staticmethod
    def _parse_env(args: str) -> dict[str, str]:
        words = shlex.split(args)
        if words and "=" not in words[0]:
            return {words[0]: args.split(None, 1)[1] if len(words) > 1 else ""}
        return dict(w.split("=", 1) for w in words if "=" in w)

    @staticmethod
    def _exec_or_shell(args: str) -> list[str]:
        if args.startswith("["):
            try:
                v = json.loads(args)
                if isinstance(v, list) and all(isinstance(x, str) for x in v):
                    return v
            except json.JSONDecodeError:
                pass
        return ["/bin/sh", "-c", args]

    @staticmethod
    def _exec_or_words(args: str) -> list[str]:
        if args.startswith("["):
            try:
                return [str(x) for x in json.loads(args)]
            except json.JSONDecodeError:
                pass
        return args.split()

    def installs(self, package: str) -> bool:
        return any(
            re.search(rf"\b(apt-get|apt)\s+install\b[^\n]*\s{re.escape(package)}(\s|$)", line)
            for line in self.text.replace("\\\n", " ").splitlines()
        )


# ------------------------------------------------------------------------------ compose model


def as_str(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


def environment(svc: dict) -> dict[str, str]:
    env = svc.get("environment") or {}
    if isinstance(env, dict):
        return {str(k): as_str(v) for k, v in env.items()}
    out = {}
    for item in env:
        k, _, v = str(item).partition("=")
        out[k] = v
    return out


def build_of(svc: dict) -> tuple[str, str] | None:
    b = svc.get("build")
    if b is None:
        return None
    if isinstance(b, str):
        return b, "Dockerfile"
    return str(b.get("context", ".")), str(b.get("dockerfile", "Dockerfile"))


def ports_of(svc: dict) -> list[tuple[str | None, str | None, str]]:
    """(host_ip, published, target) of each published port."""
    out = []
    for p in svc.get("ports") or []:
        if isinstance(p, dict):
            out.append((p.get("host_ip"), as_str(p.get("published")) or None, as_str(p.get("target"))))
            continue
        s = str(p).split("/", 1)[0]
        host_ip = None
        m = re.match(r"^\[([^\]]+)\]:(.*)$", s)  # [::1]:8080:8080
        if m:
            host_ip, s = m.group(1), m.group(2)
        parts = s.split(":")
        if len(parts) == 3:
            host_ip, published, target = parts
        elif len(parts) == 2:
            published, target = parts
        else:
            published, target = None, parts[0]
        out.append((host_ip, published or None, target))
    return out


def depends_of(svc: dict) -> dict[str, str]:
    d = svc.get("depends_on") or {}
    if isinstance(d, list):
        return {str(name): "service_started" for name in d}
    return {str(k): (v or {}).get("condition", "service_started") for k, v in d.items()}


def volumes_of(svc: dict) -> list[tuple[str, str, str]]:
    """(type, source, target) of each mount; type is "volume" or "bind"."""
    out = []
    for v in svc.get("volumes") or []:
        if isinstance(v, dict):
            out.append((v.get("type", "volume"), as_str(v.get("source")), as_str(v.get("target"))))
            continue
        parts = str(v).split(":")
        if len(parts) == 1:
            out.append(("volume", "", parts[0]))  # anonymous
            continue
        source, target = parts[0], parts[1]
        kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        out.append((kind, source, target))
    return out


def argv_of(svc: dict, df: Dockerfile) -> list[str]:
    def words(v):
        return shlex.split(v) if isinstance(v, str) else [str(x) for x in v]

    entry = words(svc["entrypoint"]) if svc.get("entrypoint") is not None else df.entrypoint
    if svc.get("command") is not None:
        cmd = words(svc["command"])
    elif svc.get("entrypoint") is not None:
        cmd = []  # overriding the entrypoint drops the image's CMD
    else:
        cmd = df.cmd
    return entry + cmd


def created_databases(sql: str) -> set[str]:
    sql = re.sub(r"--[^\n]*", "", sql)
    sql = re.sub(r"/\*.*?\*/", "", sql, flags=re.S)
    names = set()
    for m in re.finditer(r'(?i)\bcreate\s+database\s+(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_$]*))', sql):
        # Unquoted identifiers fold to lower case in PostgreSQL.
        names.add(m.group(1) if m.group(1) is not None else m.group(2).lower())
    return names


# ------------------------------------------------------------------------------ checks


class Checker:
    def __init__(self, compose_path: Path):
        self.path = compose_path
        self.root = compose_path.resolve().parent
        self.problems: list[str] = []

    def fail(self, msg: str):
        self.problems.append(msg)
        print(f"  FAIL {msg}")

    def ok(self, msg: str):
        print(f"  ok   {msg}")

    def rel(self, p: Path) -> str:
        try:
            return str(p.relative_to(self.root))
        except ValueError:
            return str(p)

    def load(self):
        if not self.path.is_file():
            raise Failure(f"{self.path}: no such file")
        doc = load_yaml(self.path)
        if not isinstance(doc, dict) or not isinstance(doc.get("services"), dict):
            raise Failure(f"{self.path}: no `services` mapping")
        for name, svc in doc["services"].items():
            if not isinstance(svc, dict):
                raise Failure(f"{self.path}: service {name} is not a mapping")
        self.doc = doc
        self.services: dict[str, dict] = doc["services"]
        self.ok(f"{self.rel(self.path.resolve())} parses; services: {', '.join(self.services)}")

    def app_services(self) -> dict[str, tuple[dict, Dockerfile]]:
        """Services built from this repository, with their Dockerfile."""
        apps = {}
        for name in EXPECTED_APPS:
            if name not in self.services:
                self.fail(f"service `{name}` is missing")
        for name, svc in self.services.items():
            b = build_of(svc)
            if b is None:
                if name in EXPECTED_APPS:
                    self.fail(f"{name}: has no `build` (it must build from the repository's Dockerfile)")
                continue
            context, dockerfile = b
            ctx = (self.root / context).resolve()
            df_path = (ctx / dockerfile).resolve()
            if ctx != self.root:
                self.fail(f"{name}: build context {context!r} is not the repository root `.`")
            if not df_path.is_file():
                self.fail(f"{name}: Dockerfile {self.rel(df_path)} does not exist")
                continue
            if df_path != self.root / "Dockerfile":
                self.fail(f"{name}: builds from {self.rel(df_path)}, not the repository's Dockerfile")
            apps[name] = (svc, Dockerfile(df_path))
        if set(EXPECTED_APPS) <= set(apps):
            self.ok(f"{', '.join(EXPECTED_APPS)} build from ./Dockerfile with context `.`")
        return apps

    def check_dockerfile(self, df: Dockerfile):
        where = self.rel(df.path)
        argv = df.entrypoint + df.cmd
        if df.stages < 2:
            self.fail(f"{where}: expected a multi-stage build (build and runtime stages)")
        if df.entrypoint != ["prassi"] and argv != ["prassi", "serve"]:
            self.fail(f"{where}: ENTRYPOINT is {df.entrypoint}, expected [\"prassi\"]")
        if argv != ["prassi", "serve"]:
            self.fail(f"{where}: the image runs {argv}, expected [\"prassi\", \"serve\"]")
        else:
            self.ok(f"{where}: ENTRYPOINT {json.dumps(df.entrypoint)} CMD {json.dumps(df.cmd)}")
        for k in df.env:
            if k.startswith("PRASSI_") and k not in KNOWN_SETTINGS:
                self.fail(f"{where}: ENV {k} is not a Prassi setting")
        data_dir = df.env.get("PRASSI_DATA_DIR")
        if data_dir and data_dir not in df.volumes:
            self.fail(f"{where}: PRASSI_DATA_DIR {data_dir} is not a VOLUME")
        ignore = self.root / ".dockerignore"
        if not ignore.is_file():
            self.fail(".dockerignore is missing: the build context would include target/ and .git")
        else:
            pats = {
                l.strip().strip("/") for l in ignore.read_text(encoding="utf-8").splitlines()
                if l.strip() and not l.strip().startswith("#")
            }
            missing = [p for p in ("target", ".git") if p not in pats]
            if missing:
                self.fail(f".dockerignore does not exclude {', '.join(missing)}")
            else:
                self.ok(".dockerignore excludes target/ and .git")

    def init_databases(self, db_name: str) -> set[str]:
        """Databases created by the init scripts mounted into the postgres service."""
        svc = self.services[db_name]
        names: set[str] = set()
        scripts = []
        for kind, source, target in volumes_of(svc):
            if not target.startswith("/docker-entrypoint-initdb.d"):
                continue
            if kind != "bind":
                self.fail(f"{db_name}: init scripts come from volume {source!r}, not a file of the repository")
                continue
            src = (self.root / os.path.expanduser(source)).resolve()
            if not src.exists():
                self.fail(f"{db_name}: init script {source} does not exist")
                continue
            files = sorted(src.glob("*.sql")) if src.is_dir() else [src]
            for f in files:
                scripts.append(self.rel(f))
                names |= created_databases(f.read_text(encoding="utf-8"))
        if not scripts:
            self.fail(f"{db_name}: no init script mounted into /docker-entrypoint-initdb.d")
        else:
            self.ok(f"{db_name}: {', '.join(scripts)} creates {', '.join(sorted(names)) or 'nothing'}")
        return names

    def check_referenced_files(self):
        for name, svc in self.services.items():
            for kind, source, _ in volumes_of(svc):
                if kind == "bind" and not (self.root / os.path.expanduser(source)).exists():
                    self.fail(f"{name}: bind-mounted {source} does not exist")
            env_files = svc.get("env_file") or []
            for ef in [env_files] if isinstance(env_files, str) else env_files:
                p = ef if isinstance(ef, str) else ef.get("path", "")
                required = True if isinstance(ef, str) else ef.get("required", True)
                if required and not (self.root / p).exists():
                    self.fail(f"{name}: env_file {p} does not exist")
        declared = set((self.doc.get("volumes") or {}).keys())
        for name, svc in self.services.items():
            for kind, source, _ in volumes_of(svc):
                if kind == "volume" and source and source not in declared:
                    self.fail(f"{name}: named volume {source} is not declared under top-level `volumes`")

    def check(self):
        self.load()
        apps = self.app_services()
        dockerfiles = {df.path: df for _, df in apps.values()}
        for df in dockerfiles.values():
            self.check_dockerfile(df)

        public_urls: dict[str, str] = {}
        databases: dict[str, str] = {}
        host_ports: dict[tuple[str | None, str], str] = {}
        data_volumes: dict[str, str] = {}
        init_cache: dict[str, set[str]] = {}

        for name, (svc, df) in sorted(apps.items()):
            env = environment(svc)
            full_env = {**df.env, **env}
            for k in env:
                if k.startswith("PRASSI_") and k not in KNOWN_SETTINGS:
                    self.fail(f"{name}: {k} is not a Prassi setting (known: {', '.join(sorted(KNOWN_SETTINGS))})")

            argv = argv_of(svc, df)
            if argv != ["prassi", "serve"]:
                self.fail(f"{name}: runs {argv}, expected prassi serve")

            # Where it listens inside the container.
            bind = full_env.get("PRASSI_BIND", DEFAULT_BIND)
            bind_host, _, bind_port = bind.rpartition(":")
            if bind_host.strip("[]") in ("127.0.0.1", "localhost", "::1"):
                self.fail(f"{name}: PRASSI_BIND {bind} is loopback: unreachable from outside the container")

            # Public URL: distinct, root of the host, the service name and the listening port.
            url = env.get("PRASSI_PUBLIC_URL")
            if not url:
                self.fail(f"{name}: PRASSI_PUBLIC_URL is not set")
            else:
                u = urlsplit(url)
                port = str(u.port or (443 if u.scheme == "https" else 80))
                names = {name, str(svc.get("hostname", name))}
                if u.scheme not in ("http", "https") or not u.hostname:
                    self.fail(f"{name}: PRASSI_PUBLIC_URL {url} is not an http(s) URL")
                elif u.path not in ("", "/") or u.query:
                    self.fail(f"{name}: PRASSI_PUBLIC_URL {url} has a path or query")
                elif u.hostname not in names:
                    self.fail(f"{name}: PRASSI_PUBLIC_URL host {u.hostname} is not the service name")
                elif u.scheme == "http" and port != bind_port:
                    self.fail(f"{name}: PRASSI_PUBLIC_URL port {port} is not the listening port {bind_port}")
                if url.rstrip("/") in public_urls:
                    self.fail(f"{name}: PRASSI_PUBLIC_URL {url} is also {public_urls[url.rstrip('/')]}'s")
                public_urls[url.rstrip("/")] = name
                if u.scheme == "http":
                    allow = full_env.get("PRASSI_ALLOW_PRIVATE_PEERS", "false").strip().lower()
                    if allow not in ("1", "true", "yes", "on"):
                        self.fail(f"{name}: plain-http public URL without PRASSI_ALLOW_PRIVATE_PEERS=true")
            v = full_env.get("PRASSI_ALLOW_PRIVATE_PEERS")
            if v is not None and v.strip().lower() not in BOOLEANS:
                self.fail(f"{name}: PRASSI_ALLOW_PRIVATE_PEERS={v!r} is not a boolean")

            # Database: a database of a postgres service of this file, created by its init
            # script, with its credentials, waited for until healthy.
            db_url = env.get("PRASSI_DATABASE_URL")
            if not db_url:
                self.fail(f"{name}: PRASSI_DATABASE_URL is not set")
            else:
                d = urlsplit(db_url)
                dbname = d.path.lstrip("/")
                if d.scheme not in ("postgres", "postgresql"):
                    self.fail(f"{name}: PRASSI_DATABASE_URL {db_url} is not postgres://")
                elif d.hostname not in self.services:
                    self.fail(f"{name}: database host {d.hostname} is not a service of this file")
                else:
                    host = d.hostname
                    dbsvc = self.services[host]
                    dbenv = environment(dbsvc)
                    if host not in init_cache:
                        init_cache[host] = self.init_databases(host)
                    if dbname not in init_cache[host]:
                        self.fail(f"{name}: database {dbname!r} is not created by {host}'s init script")
                    user = dbenv.get("POSTGRES_USER", "postgres")
                    if (d.username or "") != user or (d.password or "") != dbenv.get("POSTGRES_PASSWORD", ""):
                        self.fail(f"{name}: PRASSI_DATABASE_URL credentials are not {host}'s POSTGRES_USER/POSTGRES_PASSWORD")
                    if (d.port or 5432) != 5432:
                        self.fail(f"{name}: database port {d.port} is not postgres' 5432")
                    cond = depends_of(svc).get(host)
                    if cond != "service_healthy":
                        self.fail(f"{name}: depends_on {host} is {cond or 'missing'}, expected condition: service_healthy")
                    hc = dbsvc.get("healthcheck") or {}
                    test = hc.get("test")
                    test_s = " ".join(test) if isinstance(test, list) else str(test or "")
                    if "pg_isready" not in test_s or hc.get("disable"):
                        self.fail(f"{host}: no pg_isready healthcheck (needed by condition: service_healthy)")
                    if dbname in databases:
                        self.fail(f"{name}: database {dbname} is also {databases[dbname]}'s")
                    databases[dbname] = name

            # Published ports: loopback only, explicit and distinct, onto the listening port.
            ports = ports_of(svc)
            if not ports:
                self.fail(f"{name}: publishes no port")
            for host_ip, published, target in ports:
                if host_ip != "127.0.0.1":
                    self.fail(f"{name}: port {published}:{target} is bound to {host_ip or 'all interfaces'}, not 127.0.0.1")
                if not published:
                    self.fail(f"{name}: port {target} has no fixed host port")
                elif (host_ip, published) in host_ports:
                    self.fail(f"{name}: host port {published} is also {host_ports[(host_ip, published)]}'s")
                else:
                    host_ports[(host_ip, published)] = name
                if target != bind_port:
                    self.fail(f"{name}: publishes container port {target}, but PRASSI_BIND is {bind}")

            # Data directory on its own named volume.
            data_dir = full_env.get("PRASSI_DATA_DIR")
            mounts = {t: (k, s) for k, s, t in volumes_of(svc)}
            if not data_dir:
                self.fail(f"{name}: PRASSI_DATA_DIR is set neither in the Dockerfile nor in the service")
            elif data_dir not in mounts or mounts[data_dir][0] != "volume" or not mounts[data_dir][1]:
                self.fail(f"{name}: no named volume mounted at PRASSI_DATA_DIR {data_dir}")
            else:
                vol = mounts[data_dir][1]
                if vol in data_volumes:
                    self.fail(f"{name}: data volume {vol} is also {data_volumes[vol]}'s")
                data_volumes[vol] = name

            # A healthcheck needs its tool in the image.
            hc = svc.get("healthcheck") or {}
            test = hc.get("test")
            test_s = " ".join(test) if isinstance(test, list) else str(test or "")
            if "curl" in test_s and not df.installs("curl"):
                self.fail(f"{name}: the healthcheck uses curl, which {self.rel(df.path)} does not install")

            if not [p for p in self.problems if p.startswith(f"{name}:")]:
                self.ok(
                    f"{name}: {url} on 127.0.0.1:{','.join(p[1] or '?' for p in ports)}, "
                    f"database {d.path.lstrip('/') if db_url else '?'}, data volume "
                    f"{mounts.get(data_dir, ('', '?'))[1]}"
                )

        self.check_follows(apps, public_urls)
        self.check_referenced_files()
        return apps

    def check_follows(self, apps: dict, public_urls: dict[str, str]):
        """Instances followed at start are other instances of this file, by their public URLs;
        the hub follows every regional one."""
        def listed(svc) -> list[str]:
            v = environment(svc).get("PRASSI_FOLLOW_INSTANCES", "")
            return [u.rstrip("/") for u in re.split(r"[\s,]+", v) if u]
        for name, (svc, _) in sorted(apps.items()):
            urls = listed(svc)
            for u in urls:
                other = public_urls.get(u)
                if other is None:
                    self.fail(f"{name}: PRASSI_FOLLOW_INSTANCES names {u}, which is no instance of this file")
                elif other == name:
                    self.fail(f"{name}: PRASSI_FOLLOW_INSTANCES names the instance itself")
            if len(set(urls)) != len(urls):
                self.fail(f"{name}: PRASSI_FOLLOW_INSTANCES names an instance twice")
        if "hub" in apps:
            named = {public_urls.get(u) for u in listed(apps["hub"][0])}
            regions = {n for n in apps if n != "hub"}
            if not regions <= named:
                missing = ", ".join(sorted(regions - named))
                self.fail(f"hub: PRASSI_FOLLOW_INSTANCES does not name {missing}")
            else:
                self.ok(f"hub: follows {', '.join(sorted(regions))} at start (PRASSI_FOLLOW_INSTANCES)")

    def emit_processes(self) -> dict:
        self.load()
        apps = self.app_services()
        if self.problems:
            raise Failure("; ".join(self.problems))
        out = {}
        for name, (svc, df) in sorted(apps.items()):
            argv = argv_of(svc, df)
            if not argv or argv[0] != "prassi":
                raise Failure(f"{name}: runs {argv}, not prassi")
            out[name] = {"args": argv[1:], "env": {**df.env, **environment(svc)}}
        return out


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    flags = [a for a in argv if a.startswith("--")]
    if len(args) != 1 or set(flags) - {"--emit-processes"}:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    c = Checker(Path(args[0]))
    try:
        if "--emit-processes" in flags:
            # Progress lines go to stderr; stdout is the JSON.
            real_stdout = sys.stdout
            sys.stdout = sys.stderr
            try:
                out = c.emit_processes()
            finally:
                sys.stdout = real_stdout
            json.dump(out, sys.stdout, indent=2)
            print()
            return 0
        print(f"Checking {args[0]}")
        c.check()
    except Failure as e:
        print(f"  FAIL {e}")
        print("check_compose: FAILED")
        return 1
    if c.problems:
        print(f"check_compose: FAILED, {len(c.problems)} problem(s)")
        return 1
    print("check_compose: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
