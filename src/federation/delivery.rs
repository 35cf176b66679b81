//! The delivery worker: one ordered stream per destination instance, several requests in flight
//! per stream, acknowledgement in order, capped exponential back-off with jitter, final 4xx,
//! dead-instance detection. State lives in the database, so a crash loses nothing.

use std::{
    collections::HashSet,
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
        actors, now_ms,
        queue::{self, DueDelivery},
    },
    federation::signatures,
    state::AppData,
};

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

/// Runs until `shutdown` turns true.
pub async fn run(data: AppData, mut shutdown: watch::Receiver<bool>) {
    let busy: Arc<Mutex<HashSet<String>>> = Arc::default();
    // Bounds requests in flight across all destinations.
    let global = Arc::new(Semaphore::new(256));
    loop {
        match queue::due_destinations(&data.db, now_ms(), 512).await {
            Ok(dests) => {
                for d in dests {
                    let fresh = lock(&busy).insert(d.clone());
                    if !fresh {
                        continue;
                    }
                    let (data, busy, global) = (data.clone(), busy.clone(), global.clone());
                    tokio::spawn(async move {
                        if let Err(e) = drain_destination(&data, &d, &global).await {
                            tracing::warn!(destination = %d, error = %e, "delivery stream error");
                        }
                        lock(&busy).remove(&d);
                        // Something may have been queued for it meanwhile.
                        data.delivery_wake.notify_one();
                    });
                }
            }
            Err(e) => tracing::warn!(error = %e, "delivery worker: database error"),
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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sends a destination's due deliveries in order until it is empty or fails.
async fn drain_destination(
    data: &AppData,
    dest: &str,
    global: &Semaphore,
) -> Result<(), sqlx::Error> {
    let cfg = &data.config.delivery;
    let lease_ms = cfg.lease.as_millis() as i64;
    if !queue::lease(&data.db, dest, &data.node_id, now_ms(), now_ms() + lease_ms).await? {
        return Ok(()); // another process owns this stream
    }
    let result = drain_leased(data, dest, global).await;
    queue::release(&data.db, dest, &data.node_id).await?;
    result
}

async fn drain_leased(data: &AppData, dest: &str, global: &Semaphore) -> Result<(), sqlx::Error> {
    let cfg = &data.config.delivery;
    let lease_ms = cfg.lease.as_millis() as i64;
    loop {
        let batch = queue::next_for(
            &data.db,
            dest,
            now_ms(),
            cfg.per_destination_concurrency as i64,
        )
        .await?;
        if batch.is_empty() {
            return Ok(());
        }
        let sends = batch.iter().map(|d| async move {
            let _permit = global.acquire().await;
            let started = Instant::now();
            let outcome = send_one(data, d).await;
            (outcome, started.elapsed())
        });
        let results = join_all(sends).await;
        // Acknowledge in stream order; stop at the first transient failure so it stays first.
        for (d, (outcome, took)) in batch.iter().zip(results) {
            let now = now_ms();
            let span =
                tracing::info_span!("deliver", activity = %d.activity_ap_id, inbox = %d.inbox);
            let _e = span.enter();
            match outcome {
                SendOutcome::Delivered => {
                    queue::finish(&data.db, d, dest, "delivered", None, now).await?;
                    queue::instance_success(&data.db, dest, now).await?;
                    data.metrics.delivery("delivered", took, now - d.created_at);
                    tracing::info!(ms = took.as_millis() as u64, "delivered");
                }
                SendOutcome::Refused(why) => {
                    queue::finish(&data.db, d, dest, "refused", Some(&why), now).await?;
                    // The instance answered, so it is up even if it refused this one.
                    queue::instance_success(&data.db, dest, now).await?;
                    data.metrics.delivery("refused", took, now - d.created_at);
                    tracing::warn!(reason = %why, "delivery refused for good");
                }
                SendOutcome::Failed(why) => {
                    data.metrics.delivery("failed", took, now - d.created_at);
                    let (failures, since) =
                        queue::instance_failure(&data.db, dest, &why, now).await?;
                    let dead = now - since >= cfg.dead_after.as_millis() as i64;
                    let wait = if dead {
                        cfg.dead_probe_interval
                    } else {
                        backoff_delay(cfg, failures)
                    };
                    let until = now + wait.as_millis() as i64;
                    queue::retry_later(&data.db, d.id, &why, now).await?;
                    queue::set_backoff(
                        &data.db,
                        dest,
                        if dead { "dead" } else { "backoff" },
                        until,
                    )
                    .await?;
                    tracing::warn!(reason = %why, failures, retry_in_ms = wait.as_millis() as u64, dead, "delivery failed");
                    return Ok(());
                }
            }
        }
        // Still ours: extend the lease before the next batch.
        queue::lease(&data.db, dest, &data.node_id, now_ms(), now_ms() + lease_ms).await?;
    }
}

/// Signs and POSTs one delivery.
pub async fn send_one(data: &AppData, d: &DueDelivery) -> SendOutcome {
    let url = match Url::parse(&d.inbox) {
        Ok(u) => u,
        Err(e) => return SendOutcome::Refused(format!("bad inbox URL: {e}")),
    };
    if !data.config.allow_private_peers && url.scheme() != "https" {
        return SendOutcome::Refused("plain http inboxes are refused in production".into());
    }
    let signer_row = match actors::by_id(&data.db, d.actor_id).await {
        Ok(Some(a)) => a,
        Ok(None) => return SendOutcome::Refused("the sending actor is gone".into()),
        Err(e) => return SendOutcome::Failed(format!("database: {e}")),
    };
    let signer = match data.signer(&signer_row) {
        Ok(s) => s,
        Err(e) => return SendOutcome::Refused(format!("no usable key: {e}")),
    };
    let headers = match signatures::sign_post(
        &signer,
        &signer_row.public_key_id,
        &url,
        d.body.as_bytes(),
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
    match req.body(d.body.clone()).send().await {
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
