// Self-test without Prassi: two peers, A follows B, B accepts; then A unfollows.
// Usage: node selftest.mjs   (exit 0 on success)
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const PEER = fileURLToPath(new URL("./peer.mjs", import.meta.url));
const children = [];

function startPeer(name) {
  const child = spawn(process.execPath, [PEER], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  child.stderr.on("data", (d) => process.stderr.write(`[${name}] ${d}`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no LISTENING line in 15 s`)), 15_000);
    child.on("exit", (code) => reject(new Error(`${name} exited early (${code})`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = /^LISTENING (\d+)$/.exec(line);
      if (m) { clearTimeout(timer); resolve(`http://localhost:${m[1]}`); }
    });
  });
}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${JSON.stringify(data)}`);
  return data;
}

async function until(what, check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

let failed = false;
try {
  const [a, b] = await Promise.all([startPeer("A"), startPeer("B")]);
  const actorA = await call(a, "GET", "/control/actor");
  const actorB = await call(b, "GET", "/control/actor");
  console.log(`A: ${actorA.id}\nB: ${actorB.id}`);

  const { id: followId } = await call(a, "POST", "/control/follow", { target: actorB.id });
  console.log(`A sent Follow ${followId}`);

  await until("B lists A as follower", async () =>
    (await call(b, "GET", "/control/followers")).includes(actorA.id));
  await until("A received Accept(Follow)", async () =>
    (await call(a, "GET", "/control/received")).some((r) => r.type === "Accept" &&
      r.actor === actorB.id && (r.object === followId || r.object?.id === followId)));
  const followAtB = (await call(b, "GET", "/control/received")).find((r) => r.type === "Follow");
  if (followAtB?.id !== followId || followAtB.actor !== actorA.id) {
    throw new Error(`B recorded an unexpected Follow: ${JSON.stringify(followAtB)}`);
  }

  await call(a, "POST", "/control/unfollow", { target: actorB.id });
  await until("B drops A after Undo(Follow)", async () =>
    !(await call(b, "GET", "/control/followers")).includes(actorA.id));

  console.log("selftest: follow, accept and unfollow work");
  console.log("1 passed, 0 failed");
} catch (error) {
  failed = true;
  console.error(`selftest FAILED: ${error.message}`);
  console.log("0 passed, 1 failed");
} finally {
  for (const c of children) { c.removeAllListeners("exit"); c.kill("SIGTERM"); }
}
process.exit(failed ? 1 : 0);
