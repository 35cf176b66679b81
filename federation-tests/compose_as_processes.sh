#!/usr/bin/env bash
# Runs the Prassi services of docker-compose.yml as plain processes of a locally built
# binary, since CI has no container engine: same command (the image's ENTRYPOINT/CMD, or the
# service's override) and same environment (Dockerfile ENV, then the service's environment),
# both read from the files by check_compose.py --emit-processes, except:
#   PRASSI_PUBLIC_URL    http://localhost:<free port>
#   PRASSI_BIND          127.0.0.1:<that port>
#   PRASSI_DATABASE_URL  a fresh database on the local PostgreSQL (dropped at exit)
#   PRASSI_DATA_DIR      a directory under a mktemp dir (also the working directory, as the
#                        image's WORKDIR is its data directory)
#   PRASSI_FOLLOW_INSTANCES  each http://<service>:8080 becomes that service's local URL
# Then: every instance answers /.well-known/nodeinfo with its own URL and name and has
# migrated its database; `admin create-organization` on one instance makes the organisation
# resolvable by WebFinger; SIGTERM stops all of them with exit status 0 within 10 s.
#
# usage: compose_as_processes.sh [PRASSI_BINARY] [COMPOSE_FILE]
#   PRASSI_BINARY  default $CARGO_TARGET_DIR/debug/prassi ($HOME/.cache/prassi-target)
#   COMPOSE_FILE   default <repo>/docker-compose.yml
# env: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres): a PostgreSQL role that may
#      create databases, with trust (or ~/.pgpass) authentication.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BIN="${1:-${CARGO_TARGET_DIR:-$HOME/.cache/prassi-target}/debug/prassi}"
COMPOSE="${2:-$ROOT/docker-compose.yml}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"

READY_TIMEOUT=30 # seconds for all instances to answer
STOP_TIMEOUT=10  # seconds for all instances to exit after SIGTERM
POLL=0.2

say() { printf '[compose-as-processes] %s\n' "$*"; }
die() { printf '[compose-as-processes] FAIL: %s\n' "$*" >&2; exit 1; }

[[ -x "$BIN" ]] || die "no prassi binary at $BIN (build it with: cargo build -p prassi)"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
[[ -f "$COMPOSE" ]] || die "no compose file at $COMPOSE"
command -v psql >/dev/null || die "psql is not installed"
command -v curl >/dev/null || die "curl is not installed"
pg_isready -q || die "PostgreSQL is not accepting connections at $PGHOST:$PGPORT"

WORK="$(mktemp -d -t prassi-compose.XXXXXX)"
declare -a SERVICES=() DATABASES=()
declare -A PID=() PORT=() STOPPED=()
FAILED=1

cleanup() {
    local rc=$? s
    set +e
    trap - EXIT INT TERM
    for s in "${!PID[@]}"; do
        if [[ -z "${STOPPED[$s]:-}" ]] && kill -0 "${PID[$s]}" 2>/dev/null; then
            kill -KILL "${PID[$s]}" 2>/dev/null
            wait "${PID[$s]}" 2>/dev/null
        fi
    done
    if [[ $FAILED -ne 0 ]]; then
        for s in "${SERVICES[@]}"; do
            if [[ -s "$WORK/$s.log" ]]; then
                echo "----- last lines of $s's output ($WORK/$s.log)" >&2
                tail -n 25 "$WORK/$s.log" >&2
            fi
        done
    fi
    for db in "${DATABASES[@]}"; do
        psql -d postgres -qXc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
            echo "warning: could not drop database $db" >&2
    done
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- what compose would run
python3 "$HERE/check_compose.py" --emit-processes "$COMPOSE" >"$WORK/processes.json" 2>"$WORK/emit.err" ||
    die "cannot read the services of $COMPOSE: $(cat "$WORK/emit.err")"
mapfile -t SERVICES < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' "$WORK/processes.json")
[[ ${#SERVICES[@]} -gt 0 ]] || die "no Prassi services in $COMPOSE"
say "binary: $BIN ($("$BIN" --version))"
say "services of $(basename "$COMPOSE"): ${SERVICES[*]}"

# Free ports: bound at the same time so they are distinct, then released for the instances.
read -r -a PORTS < <(python3 - "${#SERVICES[@]}" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
)

suffix="$$_$RANDOM"
PORT_MAP=""
for i in "${!SERVICES[@]}"; do
    PORT_MAP+="${SERVICES[$i]}=${PORTS[$i]} "
done
for i in "${!SERVICES[@]}"; do
    s="${SERVICES[$i]}"
    PORT[$s]="${PORTS[$i]}"
    db="prassi_cp_${s}_${suffix}"
    psql -d postgres -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\"" >/dev/null ||
        die "cannot create database $db on $PGHOST:$PGPORT as $PGUSER"
    DATABASES+=("$db")
    mkdir -p "$WORK/data/$s"
    # The service's environment with the four local substitutions, as shell assignments.
    python3 - "$WORK/processes.json" "$s" "${PORT[$s]}" \
        "postgres://$PGUSER@$PGHOST:$PGPORT/$db" "$WORK/data/$s" "$PORT_MAP" >"$WORK/$s.env" <<'PY'
import json, re, shlex, sys
path, svc, port, db_url, data_dir, port_map = sys.argv[1:7]
p = json.load(open(path))[svc]
env = dict(p["env"])
ports = dict(pair.split("=") for pair in port_map.split())
if "PRASSI_FOLLOW_INSTANCES" in env:
    env["PRASSI_FOLLOW_INSTANCES"] = re.sub(
        r"http://([a-z0-9-]+):8080",
        lambda m: f"http://localhost:{ports[m.group(1)]}" if m.group(1) in ports else m.group(0),
        env["PRASSI_FOLLOW_INSTANCES"],
    )
env.update(
    PRASSI_PUBLIC_URL=f"http://localhost:{port}",
    PRASSI_BIND=f"127.0.0.1:{port}",
    PRASSI_DATABASE_URL=db_url,
    PRASSI_DATA_DIR=data_dir,
)
print("ENV=(" + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items()) + ")")
print("ARGS=(" + " ".join(shlex.quote(a) for a in p["args"]) + ")")
print("INSTANCE_NAME=" + shlex.quote(env.get("PRASSI_INSTANCE_NAME", "Prassi")))
PY
done

# Runs the binary as service $1 would: only that service's environment (plus PATH, HOME and
# the log filter), in its data directory.
run_as() {
    local s="$1"
    shift
    local ENV ARGS INSTANCE_NAME
    # shellcheck disable=SC1090
    source "$WORK/$s.env"
    cd "$WORK/data/$s"
    exec env -i PATH="$PATH" HOME="$HOME" ${PRASSI_LOG:+PRASSI_LOG="$PRASSI_LOG"} \
        "${ENV[@]}" "$BIN" "$@"
}
args_of() {
    local ENV ARGS INSTANCE_NAME
    # shellcheck disable=SC1090
    source "$WORK/$1.env"
    printf '%s\n' "${ARGS[@]}"
}
name_of() {
    local ENV ARGS INSTANCE_NAME
    # shellcheck disable=SC1090
    source "$WORK/$1.env"
    printf '%s' "$INSTANCE_NAME"
}

# ---------------------------------------------------------------- start
for i in "${!SERVICES[@]}"; do
    s="${SERVICES[$i]}"
    mapfile -t args < <(args_of "$s")
    (run_as "$s" "${args[@]}") >"$WORK/$s.log" 2>&1 &
    PID[$s]=$!
    say "started $s: prassi ${args[*]} (pid ${PID[$s]}) at http://localhost:${PORT[$s]}, database ${DATABASES[$i]}"
done

# ---------------------------------------------------------------- wait until they answer
deadline=$((SECONDS + READY_TIMEOUT))
declare -A READY=()
while [[ ${#READY[@]} -lt ${#SERVICES[@]} ]]; do
    for s in "${SERVICES[@]}"; do
        [[ -n "${READY[$s]:-}" ]] && continue
        if ! kill -0 "${PID[$s]}" 2>/dev/null; then
            wait "${PID[$s]}" && rc=0 || rc=$?
            STOPPED[$s]=1
            die "$s exited (status $rc) before answering"
        fi
        if curl -fsS -m 2 -o "$WORK/$s.nodeinfo.json" "http://localhost:${PORT[$s]}/.well-known/nodeinfo" 2>/dev/null; then
            READY[$s]=1
            say "$s answers /.well-known/nodeinfo after $((SECONDS - deadline + READY_TIMEOUT)) s"
        fi
    done
    [[ ${#READY[@]} -lt ${#SERVICES[@]} ]] || break
    ((SECONDS < deadline)) || die "not answering after ${READY_TIMEOUT} s: $(for s in "${SERVICES[@]}"; do [[ -n "${READY[$s]:-}" ]] || printf '%s ' "$s"; done)"
    sleep "$POLL"
done

# Each one is the instance its environment describes, on its own PostgreSQL database.
for i in "${!SERVICES[@]}"; do
    s="${SERVICES[$i]}"
    base="http://localhost:${PORT[$s]}"
    href="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["links"][0]["href"])' "$WORK/$s.nodeinfo.json")"
    [[ "$href" == "$base/nodeinfo/2.1" ]] || die "$s: NodeInfo link is $href, expected $base/nodeinfo/2.1"
    node_name="$(curl -fsS -m 5 "$href" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["nodeName"])')" ||
        die "$s: cannot read $href"
    [[ "$node_name" == "$(name_of "$s")" ]] || die "$s: nodeName is '$node_name', expected '$(name_of "$s")'"
    migrations="$(psql -d "${DATABASES[$i]}" -tAXc "SELECT count(*) FROM _sqlx_migrations WHERE success")" ||
        die "$s: no migrations table in ${DATABASES[$i]}"
    ((migrations > 0)) || die "$s: no migration applied to ${DATABASES[$i]}"
    say "$s: NodeInfo at $href, nodeName '$node_name', $migrations migrations in ${DATABASES[$i]}"
done

# ---------------------------------------------------------------- PRASSI_FOLLOW_INSTANCES
# An instance configured to follow others does, once they answer: each followed one lists
# its instance actor among the followers of its own.
for s in "${SERVICES[@]}"; do
    mapfile -t followed < <(source "$WORK/$s.env"; for kv in "${ENV[@]}"; do
        [[ "$kv" == PRASSI_FOLLOW_INSTANCES=* ]] && tr ' ,' '\n\n' <<<"${kv#*=}"; done | grep . || true)
    for url in "${followed[@]}"; do
        deadline=$((SECONDS + READY_TIMEOUT))
        until curl -fsS -m 2 -H 'Accept: application/activity+json' "$url/actor/followers?page=1" 2>/dev/null |
            grep -q "\"http://localhost:${PORT[$s]}/actor\""; do
            ((SECONDS < deadline)) || die "$s does not follow $url after ${READY_TIMEOUT} s"
            sleep "$POLL"
        done
        say "$s follows $url (PRASSI_FOLLOW_INSTANCES): listed among its instance actor's followers"
    done
done

# ---------------------------------------------------------------- admin command + WebFinger
admin="${SERVICES[0]}"
for s in "${SERVICES[@]}"; do [[ "$s" == puglia ]] && admin=puglia; done
org=regione-test
out="$( (run_as "$admin" admin create-organization "$org" --name "Regione di prova" --level regional --region ITF4) 2>&1)" ||
    die "$admin: admin create-organization failed: $out"
say "$admin: prassi admin create-organization $org: $(printf '%s' "$out" | tr '\n' ' ')"
base="http://localhost:${PORT[$admin]}"
code="$(curl -sS -m 5 -o "$WORK/webfinger.json" -w '%{http_code}' "$base/.well-known/webfinger?resource=acct:$org@localhost:${PORT[$admin]}")"
[[ "$code" == 200 ]] || die "$admin: WebFinger for $org@localhost:${PORT[$admin]} answered $code: $(cat "$WORK/webfinger.json")"
self="$(python3 -c 'import json,sys; print(next(l["href"] for l in json.load(open(sys.argv[1]))["links"] if l["rel"] == "self"))' "$WORK/webfinger.json")"
[[ "$self" == "$base/"* ]] || die "$admin: WebFinger self link $self is not on $base"
code="$(curl -sS -m 5 -o /dev/null -w '%{http_code}' "$base/.well-known/webfinger?resource=acct:no-such-org@localhost:${PORT[$admin]}")"
[[ "$code" == 404 ]] || die "$admin: WebFinger for an unknown account answered $code, expected 404"
say "$admin: WebFinger acct:$org@localhost:${PORT[$admin]} answers 200 (self $self); an unknown account 404"

# ---------------------------------------------------------------- SIGTERM, clean exit
for s in "${SERVICES[@]}"; do
    kill -TERM "${PID[$s]}"
done
say "sent SIGTERM to all instances"
deadline=$((SECONDS + STOP_TIMEOUT))
for s in "${SERVICES[@]}"; do
    while kill -0 "${PID[$s]}" 2>/dev/null && ((SECONDS < deadline)); do
        sleep "$POLL"
    done
    if kill -0 "${PID[$s]}" 2>/dev/null; then
        die "$s is still running ${STOP_TIMEOUT} s after SIGTERM"
    fi
    wait "${PID[$s]}" && rc=0 || rc=$?
    STOPPED[$s]=1
    [[ $rc -eq 0 ]] || die "$s exited with status $rc after SIGTERM"
    say "$s exited with status 0"
done

FAILED=0
say "PASSED: ${SERVICES[*]} ran as processes with the compose environment"
