//! The delivery worker: one ordered stream per destination instance, several requests in flight
//! per stream, acknowledgement in order, capped exponential back-off with jitter, final 4xx,
//! dead-instance detection. State lives in the database, so a crash loses nothing.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime},
};

use futures::future::join_all;
use rand::Rng;
use tokio::sync::{watch, Semaphore};
use url::Url;

use crate::{
    config::DeliveryConfig,
    db::{
        deliveries::{self, Backoff, DueDelivery},
        dialect, instances, now_ms,
    },
    domain::delivery::{DeliveryOutcome, InstanceState},
    federation::{resolver::refuse_internal_literal, signatures},
    state::AppData,
    sync::lock,
};

/// What is POSTed for one activity: its body and `Digest`, shared by all its deliveries (a
/// fan-out hashes and holds a practice once, not once per destination).
#[derive(Debug)]
pub struct Payload {
    pub body: bytes::Bytes,
    pub digest: String,
}

/// A delivery with its payload.
type Job = (DueDelivery, Arc<Payload>);

/// Pairs the deliveries of one read with their payloads, building each activity's payload once.
fn prepare(rows: Vec<DueDelivery>) -> Vec<Job> {
    let mut known: HashMap<String, Arc<Payload>> = HashMap::new();
    rows.into_iter()
        .map(|mut d| {
            let body = std::mem::take(&mut d.body);
            let payload = known
                .entry(d.activity_ap_id.clone())
                .or_insert_with(|| {
                    Arc::new(Payload {
                        digest: signatures::digest_header(body.as_bytes()),
                        body: body.into(),
                    })
                })
                .clone();
            (d, payload)
        })
        .collect()
}

/// How one try ended.
#[derive(Debug)]
pub enum SendOutcome {
    Delivered,
    /// Refused for good (a 4xx other than 408/429, or a URL we must not reach).
    Refused(String),
    /// Try again later.
    Failed(String),
}

/// Delay before try number `attempt` (1-based): base·2^(attempt-1), ±25 % jitter, capped.
pub fn backoff_delay(cfg: &DeliveryConfig, attempt: i64) -> Duration {
    let exp = (attempt.clamp(1, 30) - 1) as u32;
    let base = cfg.retry_base.as_millis() as f64 * 2f64.powi(exp as i32);
    let capped = base.min(cfg.retry_cap.as_millis() as f64);
    let jitter = rand::thread_rng().gen_range(0.75..1.25);
    Duration::from_millis((capped * jitter).min(cfg.retry_cap.as_millis() as f64) as u64)
}

/// Runs until `shutdown` turns true: leases the destinations with work due (many in one
/// statement) and runs one stream task per destination.
pub async fn run(data: AppData, mut shutdown: watch::Receiver<bool>) {
    let busy: Busy = Arc::default();
    // Bounds requests in flight across all destinations.
    let global = Arc::new(Semaphore::new(256));
    loop {
        if let Err(e) = claim_and_spawn(&data, &busy, &global).await {
            tracing::warn!(error = %e, "delivery worker: database error");
        }
        tokio::select! {
            _ = data.delivery_wake.notified() => {}
            _ = tokio::time::sleep(data.config.delivery.poll_interval) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// The destinations whose stream runs in this process, each with whether a claim leased it
/// again meanwhile (it had just released its lease when new work came).
type Busy = Arc<Mutex<HashMap<String, bool>>>;

/// Takes a destination off `busy` when its stream task ends, even by a panic. If a claim
/// leased it again meanwhile, that lease is handed back and the worker woken, so the new work
/// is picked up at once rather than when the lease runs out.
struct Running {
    dest: String,
    busy: Busy,
    data: AppData,
}

impl Drop for Running {
    fn drop(&mut self) {
        if lock(&self.busy).remove(&self.dest) == Some(true) {
            let (data, dest) = (self.data.clone(), std::mem::take(&mut self.dest));
            tokio::spawn(async move {
                if let Err(e) = instances::release(&data.db, &dest, &data.node_id).await {
                    tracing::warn!(destination = %dest, error = %e, "delivery: cannot release a stream");
                }
                data.delivery_wake.notify_one();
            });
        }
    }
}

/// Streams leased per round. A big fan-out is claimed in several rounds, so the first streams
/// are signing and sending while the next ones are read from the database.
const CLAIM_BATCH: i64 = 256;

async fn claim_and_spawn(
    data: &AppData,
    busy: &Busy,
    global: &Arc<Semaphore>,
) -> Result<(), sqlx::Error> {
    let cfg = &data.config.delivery;
    loop {
        let now = now_ms();
        let until = now + cfg.lease.as_millis() as i64;
        let claimed = dialect::lease_due(&data.db, &data.node_id, now, until, CLAIM_BATCH).await?;
        if claimed.is_empty() {
            return Ok(());
        }
        let full = claimed.len() as i64 >= CLAIM_BATCH;
        // Reserved before their windows are read, so no stream of ours can start or end for
        // them meanwhile. A stream still running here is left alone and marked: it either
        // carries on (its lease was renewed by the claim) or, ending, hands the lease back.
        let reserved: Vec<String> = {
            let mut b = lock(busy);
            claimed
                .into_iter()
                .filter(|d| match b.get_mut(d) {
                    Some(claimed_again) => {
                        *claimed_again = true;
                        false
                    }
                    None => {
                        b.insert(d.clone(), false);
                        true
                    }
                })
                .collect()
        };
        let window = cfg.per_destination_concurrency as i64;
        let rows =
            match deliveries::first_windows(&data.db, &data.node_id, now, until, window).await {
                Ok(rows) => rows,
                Err(e) => {
                    // Not started: free them here; their leases run out and the next round retries.
                    let mut b = lock(busy);
                    for d in &reserved {
                        b.remove(d);
                    }
                    return Err(e);
                }
            };
        let mut windows: HashMap<String, Vec<Job>> = HashMap::new();
        for job in prepare(rows) {
            windows
                .entry(job.0.destination.clone())
                .or_default()
                .push(job);
        }
        for dest in reserved {
            let window = windows.remove(&dest).unwrap_or_default();
            let running = Running {
                dest,
                busy: busy.clone(),
                data: data.clone(),
            };
            let global = global.clone();
            tokio::spawn(async move {
                let (data, dest) = (&running.data, &running.dest);
                if let Err(e) = stream(data, dest, window, &global).await {
                    tracing::warn!(destination = %dest, error = %e, "delivery stream error");
                    let _ = instances::release(&data.db, dest, &data.node_id).await;
                }
                drop(running);
            });
        }
        if !full {
            return Ok(());
        }
    }
}

/// Sends one destination's due deliveries in order, a window at a time, until it is empty or
/// a try fails. Acknowledgements go in order through the group-commit writer.
async fn stream(
    data: &AppData,
    dest: &str,
    mut window: Vec<Job>,
    global: &Semaphore,
) -> Result<(), sqlx::Error> {
    let cfg = &data.config.delivery;
    let k = cfg.per_destination_concurrency;
    let mut leased_at = Instant::now();
    loop {
        if window.is_empty() {
            return ack(data, dest, Vec::new(), true).await;
        }
        let sends = window.iter().map(|(d, payload)| async move {
            let _permit = global.acquire().await;
            let started = Instant::now();
            (send_one(data, d, payload).await, started.elapsed())
        });
        let results = join_all(sends).await;
        let full = window.len() >= k;
        let mut ended = Vec::new();
        let mut failure = None;
        for ((d, _), (outcome, took)) in window.iter().zip(results) {
            let now = now_ms();
            let span =
                tracing::info_span!("deliver", activity = %d.activity_ap_id, inbox = %d.inbox);
            let _e = span.enter();
            let (name, detail) = match outcome {
                SendOutcome::Delivered => (DeliveryOutcome::Delivered, None),
                SendOutcome::Refused(why) => (DeliveryOutcome::Refused, Some(why)),
                SendOutcome::Failed(why) => {
                    data.metrics.delivery("failed", took, now - d.created_at);
                    failure = Some((d.clone(), why));
                    // Later ones in the window stay queued behind it, so the order holds.
                    break;
                }
            };
            data.metrics
                .delivery(name.as_str(), took, now - d.created_at);
            match &detail {
                None => tracing::info!(ms = took.as_millis() as u64, "delivered"),
                Some(why) => tracing::warn!(reason = %why, "delivery refused for good"),
            }
            ended.push(deliveries::Ended {
                id: d.id,
                activity_ap_id: d.activity_ap_id.clone(),
                inbox: d.inbox.clone(),
                outcome: name,
                attempts: d.attempts + 1,
                detail,
            });
        }
        if let Some((d, why)) = failure {
            if !ended.is_empty() {
                ack(data, dest, ended, false).await?;
            }
            return fail(data, dest, &d, &why).await;
        }
        if !ended.is_empty() {
            data.set_failing(dest, false);
        }
        let last = !full;
        ack(data, dest, ended, last).await?;
        if last {
            return Ok(());
        }
        if leased_at.elapsed() > cfg.lease / 3 {
            let until = now_ms() + cfg.lease.as_millis() as i64;
            if !instances::renew(&data.db, dest, &data.node_id, until).await? {
                return Ok(()); // lost the stream to another process; it carries on
            }
            leased_at = Instant::now();
        }
        let rows = deliveries::next_for(&data.db, dest, now_ms(), k as i64).await?;
        window = prepare(rows);
    }
}

async fn ack(
    data: &AppData,
    dest: &str,
    ended: Vec<deliveries::Ended>,
    release: bool,
) -> Result<(), sqlx::Error> {
    data.acker
        .submit(deliveries::Ack {
            destination: dest.to_string(),
            owner: data.node_id.clone(),
            ended,
            release,
            now: now_ms(),
        })
        .await
}

/// A try failed: back off the whole destination (exponentially, or rarely once dead), keep the
/// delivery queued and give the stream back, in one transaction.
async fn fail(data: &AppData, dest: &str, d: &DueDelivery, why: &str) -> Result<(), sqlx::Error> {
    let cfg = &data.config.delivery;
    let now = now_ms();
    let decide = |failures: i64, since: i64| {
        let dead = now - since >= cfg.dead_after.as_millis() as i64;
        let wait = if dead {
            cfg.dead_probe_interval
        } else {
            backoff_delay(cfg, failures)
        };
        Backoff {
            state: if dead {
                InstanceState::Dead
            } else {
                InstanceState::Backoff
            },
            until: now + wait.as_millis() as i64,
        }
    };
    let (failures, backoff) =
        deliveries::record_failure(&data.db, d.id, dest, &data.node_id, why, now, decide).await?;
    data.set_failing(dest, true);
    tracing::warn!(activity = %d.activity_ap_id, inbox = %d.inbox, reason = %why, failures,
        retry_in_ms = backoff.until - now, dead = backoff.state == InstanceState::Dead,
        "delivery failed");
    Ok(())
}

/// Signs and POSTs one delivery.
pub async fn send_one(data: &AppData, d: &DueDelivery, payload: &Payload) -> SendOutcome {
    let url = match Url::parse(&d.inbox) {
        Ok(u) => u,
        Err(e) => return SendOutcome::Refused(format!("bad inbox URL: {e}")),
    };
    if !data.config.allow_private_peers {
        if url.scheme() != "https" {
            return SendOutcome::Refused("plain http inboxes are refused in production".into());
        }
        if let Err(why) = refuse_internal_literal(&url).await {
            return SendOutcome::Refused(why);
        }
    }
    let (signer, key_id) = match data.signer(d.actor_id).await {
        Ok(Some(s)) => s,
        Ok(None) => return SendOutcome::Refused("the sending actor is gone".into()),
        Err(e) => return SendOutcome::Failed(format!("no usable key: {e}")),
    };
    let headers = match signatures::sign_post_digest(
        &signer,
        &key_id,
        &url,
        &payload.digest,
        SystemTime::now(),
    ) {
        Ok(h) => h,
        Err(e) => return SendOutcome::Failed(format!("signing: {e}")),
    };
    let mut req = data
        .http
        .post(url)
        .timeout(data.config.delivery.request_timeout)
        .header("content-type", "application/activity+json")
        .header("accept", "application/activity+json");
    for (k, v) in headers {
        if k != "host" {
            req = req.header(k, v);
        }
    }
    match req.body(payload.body.clone()).send().await {
        Ok(r) if r.status().is_success() => SendOutcome::Delivered,
        Ok(r) => {
            let s = r.status();
            let text: String = r
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            if s.is_client_error() && s.as_u16() != 408 && s.as_u16() != 429 {
                SendOutcome::Refused(format!("HTTP {s}: {text}"))
            } else {
                SendOutcome::Failed(format!("HTTP {s}: {text}"))
            }
        }
        Err(e) => SendOutcome::Failed(format!("{e}")),
    }
}
