//! The inbox worker: applies stored activities in arrival order, retrying transient failures
//! with back-off and parking the ones that cannot be applied with their error.

use std::time::{Duration, Instant};

use tokio::sync::watch;
use tracing::Instrument;

use crate::{
    db::inbox::{self, Fate, InboxRow},
    federation::{activities, error::ApplyError},
    state::{AppData, Fed},
};

/// Runs until `shutdown` turns true.
pub async fn run(fed: Fed, mut shutdown: watch::Receiver<bool>) {
    loop {
        let did = match apply_batch(&fed, 64).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "inbox worker: database error");
                0
            }
        };
        if did > 0 {
            continue;
        }
        let data = fed.to_request_data();
        let poll = data.config.delivery.poll_interval;
        tokio::select! {
            _ = data.inbox_wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// Applies up to `limit` due activities, in order, and records their fates in one
/// transaction. Returns how many were taken.
pub async fn apply_batch(fed: &Fed, limit: i64) -> Result<usize, sqlx::Error> {
    let data = fed.to_request_data();
    let lease = data.config.delivery.lease.as_millis() as i64;
    let rows = inbox::claim(&data.db, &data.node_id, crate::db::now_ms(), lease, limit).await?;
    let n = rows.len();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut renewed = Instant::now();
    let mut fates = Vec::with_capacity(n);
    for (i, row) in rows.into_iter().enumerate() {
        // Applying may fetch from slow servers: keep the rest of the batch ours meanwhile.
        if renewed.elapsed() > data.config.delivery.lease / 3 {
            inbox::renew(
                &data.db,
                &data.node_id,
                &ids[i..],
                crate::db::now_ms() + lease,
            )
            .await?;
            renewed = Instant::now();
        }
        let id = row.id;
        fates.push((id, apply_one(fed, row).await));
    }
    if n > 0 {
        inbox::record_fates(&data.db, &data.node_id, fates).await?;
    }
    Ok(n)
}

async fn apply_one(fed: &Fed, row: InboxRow) -> Fate {
    let ctx = fed.to_request_data();
    let span = tracing::info_span!("apply", activity = %row.ap_id, kind = %row.kind);
    // The span is entered only while the future runs: a guard held across an `.await` would
    // leak it into whatever else the thread runs meanwhile.
    let result = activities::dispatch(&ctx, &row)
        .instrument(span.clone())
        .await;
    let _e = span.enter();
    match result {
        Ok(()) => {
            ctx.metrics.inbox_applied();
            tracing::info!("applied");
            Fate::Applied
        }
        Err(ApplyError::Permanent(e)) => {
            ctx.metrics.inbox_failed();
            tracing::warn!(error = %e, "activity refused; kept as failed");
            Fate::Failed(e)
        }
        Err(ApplyError::Transient(e))
            if row.attempts + 1 >= ctx.config.delivery.inbox_max_attempts =>
        {
            ctx.metrics.inbox_failed();
            tracing::warn!(error = %e, "activity failed too often; kept as failed");
            Fate::Failed(format!("gave up after {} attempts: {e}", row.attempts + 1))
        }
        Err(ApplyError::Transient(e)) => {
            let delay = backoff(&ctx, row.attempts);
            tracing::info!(error = %e, retry_in_ms = delay.as_millis() as u64, "will retry");
            Fate::Retry {
                error: e,
                next: crate::db::now_ms() + delay.as_millis() as i64,
            }
        }
    }
}

fn backoff(data: &AppData, attempts: i64) -> Duration {
    crate::federation::delivery::backoff_delay(&data.config.delivery, attempts + 1)
}
