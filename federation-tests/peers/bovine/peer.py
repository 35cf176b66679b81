#!/usr/bin/env python3
"""Run a real bovine-herd ActivityPub server on loopback and expose a small
HTTP control interface so integration tests can drive it.

Usage (with the venv created by setup.sh):

    python peer.py --port PORT --workdir DIR

The bovine-herd Quart app is served in-process by hypercorn on
127.0.0.1:PORT (plain http). One user (default `milkdrinker`) is registered
with the domain http://localhost:PORT and given an Ed25519 did:key secret;
the peer talks to its own server as that user with `bovine.BovineClient`
(Moo-Auth-1, client-to-server through the user's outbox).

When everything is up, exactly one line is written to stdout:

    READY {"actor": ..., "inbox": ..., "control_port": ..., ...}

Nothing else is ever written to stdout; logs go to stderr (warnings) and
DIR/peer.log (everything).

The peer stops (and with it the bovine server) on SIGTERM, SIGINT, on
`POST /shutdown`, or when its stdin reaches EOF (only if stdin is a pipe,
socket or tty; a /dev/null or regular-file stdin is ignored).

See README.md for the control API.
"""

import argparse
import asyncio
import copy
import json
import logging
import os
import signal
import sqlite3
import stat
import sys
import threading
import time

logger = logging.getLogger("bovine_peer")

# The JSON-LD context https://w3id.org/security/v1 (W3C CCG security
# vocabulary, v1). bovine fetches JSON-LD contexts over the network and caches
# them in ./bovine_jsonld_cache.sqlite; the test machines cannot reach
# w3id.org, so we pre-seed that cache with the real document. The DID and
# Multikey contexts are seeded as empty contexts, which is exactly what bovine
# itself caches when it fails to fetch them; none of their terms are used in
# the follow/accept flows.
SECURITY_V1_CONTEXT = {
    "id": "@id",
    "type": "@type",
    "dc": "http://purl.org/dc/terms/",
    "sec": "https://w3id.org/security#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "EcdsaKoblitzSignature2016": "sec:EcdsaKoblitzSignature2016",
    "Ed25519Signature2018": "sec:Ed25519Signature2018",
    "EncryptedMessage": "sec:EncryptedMessage",
    "GraphSignature2012": "sec:GraphSignature2012",
    "LinkedDataSignature2015": "sec:LinkedDataSignature2015",
    "LinkedDataSignature2016": "sec:LinkedDataSignature2016",
    "CryptographicKey": "sec:Key",
    "authenticationTag": "sec:authenticationTag",
    "canonicalizationAlgorithm": "sec:canonicalizationAlgorithm",
    "cipherAlgorithm": "sec:cipherAlgorithm",
    "cipherData": "sec:cipherData",
    "cipherKey": "sec:cipherKey",
    "created": {"@id": "dc:created", "@type": "xsd:dateTime"},
    "creator": {"@id": "dc:creator", "@type": "@id"},
    "digestAlgorithm": "sec:digestAlgorithm",
    "digestValue": "sec:digestValue",
    "domain": "sec:domain",
    "encryptionKey": "sec:encryptionKey",
    "expiration": {"@id": "sec:expiration", "@type": "xsd:dateTime"},
    "expires": {"@id": "sec:expiration", "@type": "xsd:dateTime"},
    "initializationVector": "sec:initializationVector",
    "iterationCount": "sec:iterationCount",
    "nonce": "sec:nonce",
    "normalizationAlgorithm": "sec:normalizationAlgorithm",
    "owner": {"@id": "sec:owner", "@type": "@id"},
    "password": "sec:password",
    "privateKey": {"@id": "sec:privateKey", "@type": "@id"},
    "privateKeyPem": "sec:privateKeyPem",
    "publicKey": {"@id": "sec:publicKey", "@type": "@id"},
    "publicKeyPem": "sec:publicKeyPem",
    "publicKeyService": {"@id": "sec:publicKeyService", "@type": "@id"},
    "revoked": {"@id": "sec:revoked", "@type": "xsd:dateTime"},
    "salt": "sec:salt",
    "signature": "sec:signature",
    "signatureAlgorithm": "sec:signingAlgorithm",
    "signatureValue": "sec:signatureValue",
}

SEEDED_CONTEXTS = {
    "https://w3id.org/security/v1": SECURITY_V1_CONTEXT,
    "https://www.w3.org/ns/did/v1": [],
    "https://w3id.org/security/multikey/v1": [],
}

STATE_FILE = "peer-state.json"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True, help="port of the bovine server")
    parser.add_argument("--workdir", required=True, help="directory for the sqlite db, logs, state")
    parser.add_argument(
        "--host-name",
        default="localhost",
        help="host name used in the user's URLs (domain http://HOST_NAME:PORT); default localhost",
    )
    parser.add_argument(
        "--bind", default="127.0.0.1", help="address the bovine server binds to (default 127.0.0.1)"
    )
    parser.add_argument("--username", default="milkdrinker", help="handle of the registered user")
    parser.add_argument(
        "--no-auto-accept",
        dest="auto_accept",
        action="store_false",
        help="do not answer incoming Follows with an Accept (use POST /accept)",
    )
    parser.add_argument(
        "--accept-embed",
        action="store_true",
        help="embed the Follow in the Accept instead of referencing it by id (bovine's default)",
    )
    parser.add_argument(
        "--startup-timeout", type=float, default=30.0, help="seconds to wait for the server"
    )
    parser.add_argument("--verbose", action="store_true", help="also log INFO to stderr")
    parser.add_argument(
        "--quiet", action="store_true", help="log nothing but the peer's own fatal error to stderr"
    )
    return parser.parse_args()


def setup_logging(workdir, verbose, quiet):
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    file_handler = logging.FileHandler(os.path.join(workdir, "peer.log"))
    file_handler.setLevel(logging.INFO)
    file_handler.setFormatter(fmt)
    root.addHandler(file_handler)
    err_handler = logging.StreamHandler(sys.stderr)
    err_handler.setLevel(logging.INFO if verbose else logging.CRITICAL + 1 if quiet else logging.WARNING)
    err_handler.setFormatter(fmt)
    root.addHandler(err_handler)
    # pyld / tortoise are very chatty at DEBUG
    for noisy in ["tortoise", "aiosqlite", "urllib3", "asyncio"]:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def seed_jsonld_cache(workdir):
    """Pre-seed bovine's JSON-LD context cache (bovine opens
    ./bovine_jsonld_cache.sqlite relative to the cwd at import time)."""
    path = os.path.join(workdir, "bovine_jsonld_cache.sqlite")
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE TABLE IF NOT EXISTS jsonld (url TEXT PRIMARY KEY, context TEXT)")
        for url, context in SEEDED_CONTEXTS.items():
            con.execute(
                "INSERT OR IGNORE INTO jsonld VALUES (?, ?)", (url, json.dumps(context))
            )
        con.commit()
    finally:
        con.close()


def stdin_is_watchable():
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return False
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return True
    return sys.stdin.isatty()


def watch_stdin(loop, on_eof):
    fd = sys.stdin.fileno()

    def run():
        try:
            while True:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
        except Exception:  # noqa: BLE001 - any failure means the pipe is gone
            pass
        loop.call_soon_threadsafe(on_eof)

    thread = threading.Thread(target=run, name="stdin-watch", daemon=True)
    thread.start()


def id_of(value):
    if isinstance(value, dict):
        return value.get("id")
    if isinstance(value, list) and len(value) == 1:
        return id_of(value[0])
    return value


def has_type(data, name):
    t = data.get("type") if isinstance(data, dict) else None
    if isinstance(t, list):
        return name in t
    return t == name


class Peer:
    def __init__(self, args):
        self.args = args
        self.workdir = args.workdir
        self.base_url = f"http://{args.host_name}:{args.port}"
        self.local_url = f"http://{'127.0.0.1' if args.bind in ('0.0.0.0', '') else args.bind}:{args.port}"
        self.shutdown = asyncio.Event()
        self.client = None
        self.session = None
        self.actor_info = None
        self.ready_info = None
        self.received = []  # raw inbox POST bodies, oldest first
        self.follows = {}  # target actor id -> Follow activity (with id) we sent
        self.accepted = {}  # follow id -> accept id we sent
        self.tasks = set()

    # ------------------------------------------------------------------ app
    def build_app(self):
        from quart import Quart, request

        from bovine_herd import BovineHerd
        from bovine_herd.add_to_queue import add_to_queue
        from bovine_process import process_inbox_item
        from bovine_process.utils import ProcessorList

        app = Quart("bovine_peer")
        # process_inbox_item retries after sleeping up to 33 s; don't let that
        # delay shutdown
        app.config["BACKGROUND_TASK_SHUTDOWN_TIMEOUT"] = 1

        inbox_processor = ProcessorList(process_inbox_item, add_to_queue)
        request_log = logging.getLogger("bovine_peer.requests")

        async def run_inbox(item, actor, raw):
            await inbox_processor(item, actor)
            if (
                self.args.auto_accept
                and self.client is not None
                and has_type(raw, "Follow")
                and id_of(raw.get("object")) == actor.actor_id
                and actor.actor_id == self.client.actor_id
            ):
                try:
                    await self.send_accept(raw)
                except Exception:  # noqa: BLE001
                    logger.exception("auto-accept of %s failed", raw.get("id"))

        async def start_background_task_inbox(item, actor):
            raw = copy.deepcopy(item.data)
            self.received.append(
                {"received_at": time.time(), "signer": item.submitter, "inbox_owner": actor.actor_id, "activity": raw}
            )
            app.add_background_task(run_inbox, item, actor, raw)

        BovineHerd(
            app,
            start_background_task_inbox=start_background_task_inbox,
            db_url="sqlite://" + os.path.join(self.workdir, "bovine.sqlite3"),
        )

        @app.before_request
        async def log_request():
            request_log.info(
                "%s %s headers=%s", request.method, request.url, json.dumps(dict(request.headers))
            )

        @app.after_request
        async def log_response(response):
            request_log.info("-> %s %s: %d", request.method, request.path, response.status_code)
            return response

        return app

    # ---------------------------------------------------------------- setup
    async def wait_until_up(self, server_task):
        import aiohttp

        deadline = time.monotonic() + self.args.startup_timeout
        url = self.local_url + "/activitypub/nodeinfo2_0"
        delay = 0.02
        async with aiohttp.ClientSession() as session:
            while True:
                if server_task.done():
                    exc = server_task.exception()
                    raise RuntimeError(f"bovine server exited during startup: {exc!r}")
                try:
                    async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
                        if resp.status == 200:
                            return
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"bovine server did not answer {url} within {self.args.startup_timeout}s")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.25)

    async def ensure_user(self):
        """Equivalent of `python -m bovine_tool.register NAME --domain BASE_URL`
        followed by `python -m bovine_tool.manage BOVINE_NAME --new_did_key`,
        done in-process (Tortoise is already initialised by the server)."""
        from bovine.crypto import generate_ed25519_private_key, private_key_to_did_key
        from bovine_store import BovineAdminStore
        from bovine_store.models import BovineActor

        state_path = os.path.join(self.workdir, STATE_FILE)
        if os.path.exists(state_path):
            with open(state_path) as fp:
                state = json.load(fp)
            if (
                state.get("base_url") == self.base_url
                and state.get("username") == self.args.username
                and await BovineActor.get_or_none(bovine_name=state.get("bovine_name"))
            ):
                return state

        store = BovineAdminStore(domain=self.base_url)
        bovine_name = await store.register(self.args.username)
        secret = generate_ed25519_private_key()
        did_key = private_key_to_did_key(secret)
        await store.add_identity_string_to_actor(bovine_name, "key-from-tool", did_key)
        state = {
            "base_url": self.base_url,
            "username": self.args.username,
            "bovine_name": bovine_name,
            "secret": secret,
            "did_key": did_key,
        }
        tmp = state_path + ".tmp"
        with open(tmp, "w") as fp:
            json.dump(state, fp)
        os.replace(tmp, state_path)
        return state

    async def connect_client(self, state):
        import aiohttp
        from bovine import BovineClient

        self.session = aiohttp.ClientSession()
        # domain with scheme: webfinger lookup goes straight to http://
        self.client = BovineClient(domain=self.base_url, secret=state["secret"])
        await self.client.init(session=self.session)
        self.actor_info = self.client.information

    # -------------------------------------------------------------- actions
    async def post_outbox(self, activity):
        resp = await self.client.send_to_outbox(activity)
        body = await resp.text()
        if resp.status >= 300:
            raise RuntimeError(f"outbox POST failed: {resp.status} {body}")
        return resp.headers.get("location")

    async def send_accept(self, follow):
        follow_obj = {k: v for k, v in follow.items() if k != "@context"}
        accept = self.client.activity_factory.accept(
            follow_obj, include_activity=self.args.accept_embed
        ).build()
        accept_id = await self.post_outbox(accept)
        self.accepted[follow.get("id")] = accept_id
        logger.info("Accepted %s with %s", follow.get("id"), accept_id)
        return accept_id, accept

    async def follow(self, target):
        follow = self.client.activity_factory.follow(target).build()
        follow_id = await self.post_outbox(follow)
        follow["id"] = follow_id
        self.follows[target] = follow
        return follow_id, follow

    async def unfollow(self, target):
        follow = self.follows.get(target)
        if follow is None:
            follow = await self.find_in_collection(
                self.actor_info["outbox"],
                lambda obj: has_type(obj, "Follow") and id_of(obj.get("object")) == target,
            )
            if follow is None:
                return None, None
        undo = self.client.activity_factory.undo(follow).build()
        undo_id = await self.post_outbox(undo)
        self.follows.pop(target, None)
        return undo_id, undo

    # ---------------------------------------------------------------- reads
    async def collection_ids(self, collection_id):
        """Items of one of the user's collections, newest first (bovine's order)."""
        from bovine_store.models import CollectionItem

        items = await CollectionItem.filter(part_of=collection_id).order_by("-id").all()
        return [x.object_id for x in items]

    async def stored_object(self, object_id):
        from bovine_store.models import StoredJsonObject

        obj = await StoredJsonObject.get_or_none(id=object_id)
        if obj is None:
            return {"id": object_id, "_missing": True}
        return obj.content

    async def collection_objects(self, collection_id):
        return [await self.stored_object(x) for x in await self.collection_ids(collection_id)]

    async def find_in_collection(self, collection_id, predicate):
        for obj in await self.collection_objects(collection_id):
            if predicate(obj):
                return obj
        return None

    # -------------------------------------------------------------- control
    async def start_control(self):
        from aiohttp import web

        routes = web.RouteTableDef()

        async def body(request):
            try:
                data = await request.json()
            except Exception:  # noqa: BLE001
                raise web.HTTPBadRequest(text=json.dumps({"error": "body must be JSON"}), content_type="application/json")
            if not isinstance(data, dict):
                raise web.HTTPBadRequest(text=json.dumps({"error": "body must be a JSON object"}), content_type="application/json")
            return data

        def need(data, key):
            value = data.get(key)
            if not isinstance(value, str) or not value:
                raise web.HTTPBadRequest(
                    text=json.dumps({"error": f"missing string field {key!r}"}), content_type="application/json"
                )
            return value

        @routes.get("/info")
        async def info(request):
            return web.json_response(self.ready_info)

        @routes.post("/follow")
        async def follow(request):
            target = need(await body(request), "target")
            follow_id, activity = await self.follow(target)
            return web.json_response({"id": follow_id, "activity": activity})

        @routes.post("/unfollow")
        async def unfollow(request):
            target = need(await body(request), "target")
            undo_id, activity = await self.unfollow(target)
            if undo_id is None:
                return web.json_response({"error": f"no Follow of {target} found"}, status=404)
            return web.json_response({"id": undo_id, "activity": activity})

        @routes.post("/accept")
        async def accept(request):
            follow_id = need(await body(request), "follow")
            follow = await self.stored_object(follow_id)
            if follow.get("_missing") or not has_type(follow, "Follow"):
                return web.json_response({"error": f"no Follow {follow_id} stored"}, status=404)
            accept_id, activity = await self.send_accept(follow)
            return web.json_response({"id": accept_id, "activity": activity})

        @routes.post("/outbox")
        async def outbox(request):
            activity = await body(request)
            activity.setdefault("@context", "https://www.w3.org/ns/activitystreams")
            activity.setdefault("actor", self.client.actor_id)
            activity_id = await self.post_outbox(activity)
            return web.json_response({"id": activity_id, "activity": activity})

        @routes.post("/note")
        async def note(request):
            data = await body(request)
            content = need(data, "content")
            to = data.get("to") or ["https://www.w3.org/ns/activitystreams#Public"]
            cc = data.get("cc") or []
            note_obj = {
                "type": "Note",
                "attributedTo": self.client.actor_id,
                "content": content,
                "to": to,
                "cc": cc,
            }
            if data.get("inReplyTo"):
                note_obj["inReplyTo"] = data["inReplyTo"]
            # Mentions (a Mastodon-style reply mentions whom it answers), passed through.
            if data.get("tag"):
                note_obj["tag"] = data["tag"]
            create = self.client.activity_factory.create(note_obj).build()
            activity_id = await self.post_outbox(create)
            return web.json_response({"id": activity_id, "activity": create})

        @routes.post("/like")
        async def like(request):
            data = await body(request)
            target = need(data, "object")
            to = set(data.get("to") or [])
            activity = self.client.activity_factory.like(target, to=to).build()
            activity_id = await self.post_outbox(activity)
            return web.json_response({"id": activity_id, "activity": activity})

        @routes.get("/inbox")
        async def inbox(request):
            return web.json_response(await self.collection_objects(self.actor_info["inbox"]))

        @routes.get("/outbox")
        async def outbox_get(request):
            return web.json_response(await self.collection_objects(self.actor_info["outbox"]))

        @routes.get("/followers")
        async def followers(request):
            return web.json_response(await self.collection_ids(self.actor_info["followers"]))

        @routes.get("/following")
        async def following(request):
            return web.json_response(await self.collection_ids(self.actor_info["following"]))

        @routes.get("/received")
        async def received(request):
            return web.json_response(self.received)

        @routes.get("/object")
        async def get_object(request):
            object_id = request.query.get("id")
            if not object_id:
                return web.json_response({"error": "missing ?id="}, status=400)
            obj = await self.stored_object(object_id)
            return web.json_response(obj, status=404 if obj.get("_missing") else 200)

        @routes.post("/shutdown")
        async def shutdown(request):
            asyncio.get_running_loop().call_later(0.05, self.shutdown.set)
            return web.json_response({"status": "shutting down"})

        @web.middleware
        async def errors(request, handler):
            try:
                return await handler(request)
            except web.HTTPException:
                raise
            except Exception as ex:  # noqa: BLE001
                logger.exception("control request %s %s failed", request.method, request.path)
                return web.json_response({"error": repr(ex)}, status=500)

        app = web.Application(middlewares=[errors])
        app.add_routes(routes)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        return runner, port

    # ------------------------------------------------------------------ run
    async def run(self):
        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.add_signal_handler(sig, self.shutdown.set)
        if stdin_is_watchable():
            watch_stdin(loop, self.shutdown.set)
        else:
            logger.info("stdin is not a pipe/tty; not watching it for EOF")

        started = time.monotonic()
        app = self.build_app()
        config = Config()
        config.bind = [f"{self.args.bind}:{self.args.port}"]
        config.graceful_timeout = 1.0
        config.accesslog = None
        config.errorlog = logging.getLogger("hypercorn.error")
        server_task = asyncio.create_task(serve(app, config, shutdown_trigger=self.shutdown.wait))

        runner = None
        try:
            await self.wait_until_up(server_task)
            state = await self.ensure_user()
            await self.connect_client(state)
            runner, control_port = await self.start_control()
            info = self.actor_info
            self.ready_info = {
                "actor": info["id"],
                "inbox": info["inbox"],
                "outbox": info["outbox"],
                "followers": info.get("followers"),
                "following": info.get("following"),
                "key_id": f"{info['id']}#serverKey",
                "preferred_username": info.get("preferredUsername"),
                "acct": f"acct:{self.args.username}@{self.args.host_name}:{self.args.port}",
                "webfinger": f"{self.base_url}/.well-known/webfinger",
                "application_actor": f"{self.base_url}/activitypub/bovine",
                "base_url": self.base_url,
                "port": self.args.port,
                "control_port": control_port,
                "control_url": f"http://127.0.0.1:{control_port}",
                "pid": os.getpid(),
                "startup_seconds": round(time.monotonic() - started, 3),
            }
            sys.stdout.write("READY " + json.dumps(self.ready_info) + "\n")
            sys.stdout.flush()
            logger.info("READY %s", json.dumps(self.ready_info))

            stop = asyncio.create_task(self.shutdown.wait())
            await asyncio.wait({stop, server_task}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
        finally:
            self.shutdown.set()
            if runner is not None:
                await runner.cleanup()
            if self.session is not None:
                await self.session.close()
            if not server_task.done():
                try:
                    await asyncio.wait_for(server_task, timeout=10)
                except Exception:  # noqa: BLE001
                    logger.exception("bovine server did not stop cleanly")
            # if the server failed after the ORM started (e.g. port in use),
            # Quart's after_serving never ran; aiosqlite's worker thread
            # would keep the process alive
            try:
                from tortoise import Tortoise

                await Tortoise.close_connections()
            except Exception:  # noqa: BLE001
                pass
        if server_task.done() and not server_task.cancelled() and server_task.exception():
            raise server_task.exception()


def main():
    args = parse_args()
    args.workdir = os.path.abspath(args.workdir)
    os.makedirs(args.workdir, exist_ok=True)
    # bovine writes bovine_jsonld_cache.sqlite into the cwd on import
    os.chdir(args.workdir)
    os.environ.setdefault("BUTCHER_ALLOW_HTTP", "1")
    setup_logging(args.workdir, args.verbose, args.quiet)
    seed_jsonld_cache(args.workdir)
    code = 0
    try:
        asyncio.run(Peer(args).run())
    except Exception as ex:  # noqa: BLE001
        logger.exception("peer failed")
        print(f"bovine peer failed: {ex}", file=sys.stderr)
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # never linger because of some library's leftover non-daemon thread
    os._exit(code)


if __name__ == "__main__":
    main()
