// A Fedify-based ActivityPub test peer on loopback, driven over /control/*.
// Usage: node peer.mjs   -> prints "LISTENING <port>" on stdout when ready.
// Env: FEDIFY_LOG=debug|info|warning|error (stderr log level, default warning).
import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import {
  Accept, Activity, Announce, Create, Delete, Endpoints, Follow, Like,
  MemoryKvStore, Mention, Note, Person, Reject, Undo, Update, createFederation,
  generateCryptoKeyPair, isActor,
} from "@fedify/fedify";
import { configure, defaultTextFormatter } from "@logtape/logtape";

// Logs go to stderr only (stdout carries just the LISTENING line).  The
// "no Ed25519 key for a proof" warning fires on every send by design: dropped.
const stderrSink = (record) => {
  if (String(record.message[0]).startsWith("No supported key found to create a proof")) return;
  process.stderr.write(defaultTextFormatter(record));
};
await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: { stderr: stderrSink },
  loggers: [
    { category: "fedify", sinks: ["stderr"], lowestLevel: process.env.FEDIFY_LOG ?? "warning" },
    { category: ["logtape", "meta"], sinks: ["stderr"], lowestLevel: "warning" },
  ],
});

const ALICE = "alice";
const keyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const received = []; // recorded inbox activities, in arrival order
const followers = new Map(); // follower actor id -> { id, inboxId, endpoints }
const sentFollows = new Map(); // target actor id -> Follow we sent
const followsById = new Map(); // received Follow id -> follower actor id
const errors = []; // errors the tests could not otherwise see (GET /control/errors)
function logError(what, error) {
  console.error(`${what} failed:`, error);
  errors.push({ what, error: String(error?.message ?? error) });
}
const noFetch = async (url) => { throw new Error(`not fetching ${url}`); };

const federation = createFederation({
  kv: new MemoryKvStore(),
  allowPrivateAddress: true, // peers live on loopback
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== ALICE) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Alice (Fedify test peer)",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      followers: ctx.getFollowersUri(identifier),
      url: ctx.getActorUri(identifier),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher((_ctx, identifier) => identifier === ALICE ? [keyPair] : [])
  .mapHandle((_ctx, username) => username === ALICE ? ALICE : null);

federation.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) =>
  identifier === ALICE ? { items: [...followers.values()] } : null);

// ---- notes (POST /control/note): served at their ids so others can fetch them ----
const notes = new Map(); // note uuid -> Note
federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (_ctx, values) =>
  values.identifier === ALICE ? notes.get(values.id) ?? null : null);

// Sends alice's Create(Note) to every actor in `to` and `cc` (the public collection aside).
async function sendNote(ctx, me, body) {
  const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
  if (typeof body.content !== "string") throw Object.assign(new Error("body needs a string 'content'"), { status: 400 });
  const to = (body.to ?? [PUBLIC]).map((u) => new URL(u));
  const cc = (body.cc ?? []).map((u) => new URL(u));
  const tags = (body.tag ?? []).map((t) => new Mention({ href: new URL(t.href), name: t.name ?? null }));
  const id = randomUUID();
  const noteId = ctx.getObjectUri(Note, { identifier: ALICE, id });
  const note = new Note({
    id: noteId, attribution: me, content: body.content, tos: to, ccs: cc, tags,
    replyTarget: body.inReplyTo ? new URL(body.inReplyTo) : null,
  });
  notes.set(id, note);
  const create = new Create({
    id: new URL(`#create`, noteId), actor: me, object: note, tos: to, ccs: cc,
  });
  for (const r of [...to, ...cc]) {
    if (r.href === PUBLIC) continue;
    const actor = await lookupActor(ctx, r.href);
    await ctx.sendActivity({ identifier: ALICE }, actor, create); // throws on failure
  }
  return { id: noteId.href, create: create.id.href };
}

// Records an activity; for Create/Update also what Fedify's vocab parsed.
async function record(ctx, activity) {
  const raw = await activity.toJsonLd();
  let object = activity.objectId?.href ?? null;
  if (raw.object != null && typeof raw.object === "object") {
    object = await (await activity.getObject(ctx))?.toJsonLd() ?? object;
  }
  const entry = { type: activity.constructor.name, id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null, object, raw };
  if (activity instanceof Create || activity instanceof Update) {
    try {
      const o = await activity.getObject(ctx); // fetches (signed) if only an id was sent
      if (o != null && !isActor(o)) {
        entry.parsed = {
          objectType: o.constructor.name,
          objectId: o.id?.href ?? null,
          name: o.name?.toString() ?? null,
          summary: o.summary?.toString() ?? null,
          url: o.url == null ? null : (o.url instanceof URL ? o.url.href : o.url.href?.href ?? null),
          content: o.content?.toString() ?? null,
        };
      }
    } catch (error) {
      entry.parsed = { error: String(error?.message ?? error) };
      logError(`parsing object of ${entry.id}`, error);
    }
  }
  received.push(entry);
  return entry;
}

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  // Sign key fetches on the shared inbox too (the personal inbox already does).
  .setSharedKeyDispatcher(() => ({ identifier: ALICE }))
  .on(Follow, async (ctx, follow) => {
    await record(ctx, follow);
    const target = ctx.parseUri(follow.objectId);
    if (target?.type !== "actor" || target.identifier !== ALICE) return;
    const follower = await follow.getActor(ctx);
    if (follower == null || follower.id == null || follower.inboxId == null) {
      throw new Error(`cannot resolve follower ${follow.actorId?.href}`);
    }
    followers.set(follower.id.href, {
      id: follower.id, inboxId: follower.inboxId, endpoints: follower.endpoints,
    });
    if (follow.id) followsById.set(follow.id.href, follower.id.href);
    // Send the Accept after our 202 is written, like a queued server would.
    ctx.data.afterResponse.push(() =>
      ctx.sendActivity({ identifier: ALICE }, follower, new Accept({
        id: new URL(`#accepts/${randomUUID()}`, ctx.getActorUri(ALICE)),
        actor: ctx.getActorUri(ALICE),
        object: follow,
      })));
  })
  .on(Undo, async (ctx, undo) => {
    await record(ctx, undo);
    // Undo may embed the Follow or just name its id.
    const embedded = await undo.getObject({ documentLoader: noFetch, contextLoader: ctx.contextLoader }).catch(() => null);
    const followerId = embedded instanceof Follow
      ? embedded.actorId?.href : followsById.get(undo.objectId?.href);
    if (followerId != null && followerId === undo.actorId?.href) followers.delete(followerId);
  })
  .on(Accept, record).on(Reject, record).on(Create, record).on(Update, record)
  .on(Delete, record).on(Announce, record).on(Like, record)
  .on(Activity, record) // anything else (Block, Move, ...) is recorded too
  .onError((_ctx, error) => logError("inbox listener", error));

// ---- control API ----
function json(status, body) {
  return new Response(JSON.stringify(body), {
    status, headers: { "Content-Type": "application/json" },
  });
}

async function lookupActor(ctx, target) {
  if (typeof target !== "string") throw Object.assign(new Error("body needs a string 'target'"), { status: 400 });
  // Signed GET (as alice), so peers that require authorized fetch work too.
  const documentLoader = await ctx.getDocumentLoader({ identifier: ALICE });
  const actor = await ctx.lookupObject(target, { documentLoader });
  if (actor == null) throw Object.assign(new Error(`could not fetch ${target} (see peer stderr)`), { status: 502 });
  if (!isActor(actor)) throw Object.assign(new Error(`not an actor: ${target}`), { status: 422 });
  return actor;
}

async function control(request, ctx) {
  const path = new URL(request.url).pathname;
  const me = ctx.getActorUri(ALICE);
  if (request.method === "GET" && path === "/control/received") return json(200, received);
  if (request.method === "GET" && path === "/control/followers") return json(200, [...followers.keys()]);
  if (request.method === "GET" && path === "/control/errors") return json(200, errors);
  if (request.method === "GET" && path === "/control/actor") {
    return json(200, {
      id: me.href, inbox: ctx.getInboxUri(ALICE).href, sharedInbox: ctx.getInboxUri().href,
      handle: `${ALICE}@${me.host}`,
    });
  }
  if (request.method === "POST" && path === "/control/follow") {
    const { target } = await request.json();
    const actor = await lookupActor(ctx, target);
    const follow = new Follow({
      id: new URL(`#follows/${randomUUID()}`, me), actor: me, object: actor.id,
    });
    await ctx.sendActivity({ identifier: ALICE }, actor, follow); // no queue: throws on failure
    sentFollows.set(actor.id.href, follow);
    return json(200, { id: follow.id.href });
  }
  if (request.method === "POST" && path === "/control/unfollow") {
    const { target } = await request.json();
    const actor = await lookupActor(ctx, target);
    const follow = sentFollows.get(actor.id.href) ??
      new Follow({ id: new URL(`#follows/${randomUUID()}`, me), actor: me, object: actor.id });
    const undo = new Undo({ id: new URL(`#undos/${randomUUID()}`, me), actor: me, object: follow });
    await ctx.sendActivity({ identifier: ALICE }, actor, undo);
    sentFollows.delete(actor.id.href);
    return json(200, { id: undo.id.href });
  }
  // Endorsements: a Like of `object` (a practice) delivered to `target` (its organisation).
  if (request.method === "POST" && path === "/control/like") {
    const { object, target } = await request.json();
    if (typeof object !== "string") throw Object.assign(new Error("body needs a string 'object'"), { status: 400 });
    const actor = await lookupActor(ctx, target);
    const like = new Like({ id: new URL(`#likes/${randomUUID()}`, me), actor: me, object: new URL(object) });
    await ctx.sendActivity({ identifier: ALICE }, actor, like);
    return json(200, { id: like.id.href });
  }
  // -- comments: POST /control/note {content, inReplyTo?, to?, cc?, tag?: [{href, name}]}
  if (request.method === "POST" && path === "/control/note") {
    return json(200, await sendNote(ctx, me, await request.json()));
  }
  return json(404, { error: `no such control endpoint: ${request.method} ${path}` });
}

// ---- node http <-> Web Request/Response ----
let origin; // http://localhost:<port>, fixed once listening

async function toRequest(req) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url, origin), {
    method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined,
  });
}

async function handle(req, res) {
  const data = { afterResponse: [] };
  let response;
  try {
    const request = await toRequest(req);
    if (new URL(request.url).pathname.startsWith("/control/")) {
      try {
        response = await control(request, federation.createContext(request, data));
      } catch (error) {
        console.error(`control ${req.method} ${req.url} failed:`, error);
        const status = error.status ?? (error instanceof SyntaxError ? 400 : 502);
        response = json(status, { error: String(error?.message ?? error) });
      }
    } else {
      response = await federation.fetch(request, { contextData: data });
    }
  } catch (error) {
    console.error(`${req.method} ${req.url} crashed:`, error);
    response = new Response(String(error), { status: 500 });
  }
  const body = Buffer.from(await response.arrayBuffer());
  const headers = {};
  response.headers.forEach((v, k) => { headers[k] = v; });
  res.writeHead(response.status, headers);
  res.end(body);
  for (const task of data.afterResponse) {
    task().catch((error) => logError("deferred delivery", error));
  }
}

const server = http.createServer((req, res) => { handle(req, res); });
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  origin = `http://localhost:${port}`;
  process.stdout.write(`LISTENING ${port}\n`);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
