//! Counters kept in memory by this process, rendered with the database's queue gauges in the
//! Prometheus text format at `/metrics`.

use std::{
    fmt::Write,
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        Mutex,
    },
    time::Duration,
};

use crate::{
    db::{deliveries, inbox, Db},
    sync::lock,
};

/// Upper bounds (seconds) of the delivery latency histogram buckets.
const BUCKETS: [f64; 10] = [0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0, 300.0, 3600.0];

#[derive(Default)]
pub struct Metrics {
    inbox_received: AtomicU64,
    inbox_duplicates: AtomicU64,
    inbox_applied: AtomicU64,
    inbox_failed: AtomicU64,
    sends: Mutex<Vec<(String, u64)>>,
    /// Time from queueing to the end of the delivery, per bucket, plus sum and count.
    latency: Mutex<([u64; BUCKETS.len()], f64, u64)>,
    pub connections: std::sync::Arc<ConnectionStats>,
    /// Argon2 password verifications (log-ins), so tests can count them.
    pub password_checks: AtomicU64,
    /// Log-ins refused with 429 before any password check.
    pub logins_throttled: AtomicU64,
    /// Password checks running now, and the most seen at once.
    pub hashing_now: std::sync::atomic::AtomicUsize,
    pub hashing_max: std::sync::atomic::AtomicUsize,
    /// Practice pages for readers who are not signed in: made, or kept ones answered again
    /// because what they are made from had not changed.
    pages_made: AtomicU64,
    pages_reused: AtomicU64,
    /// Where `/metrics` is served without a token (`PRASSI_METRICS_BIND`), once bound.
    pub address: std::sync::OnceLock<std::net::SocketAddr>,
}

/// Counts of the HTTP server's connections.
#[derive(Default)]
pub struct ConnectionStats {
    pub open: std::sync::atomic::AtomicUsize,
    /// Requests being answered (their response not yet sent in full).
    pub in_flight: std::sync::atomic::AtomicUsize,
    pub accepted: AtomicU64,
    pub closed_idle: AtomicU64,
    pub closed_header_timeout: AtomicU64,
    pub evicted: AtomicU64,
    pub refused: AtomicU64,
}

impl Metrics {
    pub fn inbox_received(&self, new: bool) {
        if new {
            self.inbox_received.fetch_add(1, Relaxed);
        } else {
            self.inbox_duplicates.fetch_add(1, Relaxed);
        }
    }
    pub fn inbox_applied(&self) {
        self.inbox_applied.fetch_add(1, Relaxed);
    }
    pub fn inbox_failed(&self) {
        self.inbox_failed.fetch_add(1, Relaxed);
    }

    /// An anonymous reader's practice page was made (`true`) or a kept one answered.
    pub fn practice_pages(&self, made: bool) {
        match made {
            true => &self.pages_made,
            false => &self.pages_reused,
        }
        .fetch_add(1, Relaxed);
    }

    /// One delivery try ended with `outcome`; `queued_ms` is the time since it was queued.
    pub fn delivery(&self, outcome: &str, _took: Duration, queued_ms: i64) {
        {
            let mut s = lock(&self.sends);
            match s.iter_mut().find(|(o, _)| o == outcome) {
                Some((_, n)) => *n += 1,
                None => s.push((outcome.to_string(), 1)),
            }
        }
        if outcome != "failed" {
            let secs = queued_ms.max(0) as f64 / 1000.0;
            let mut h = lock(&self.latency);
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    h.0[i] += 1;
                }
            }
            h.1 += secs;
            h.2 += 1;
        }
    }

    /// The exposition text.
    pub async fn render(&self, db: &Db) -> Result<String, sqlx::Error> {
        let mut out = String::new();
        let now = crate::db::now_ms();
        let w = &mut out;
        let _ = writeln!(
            w,
            "# HELP prassi_delivery_queue_depth Deliveries waiting, per destination instance."
        );
        let _ = writeln!(w, "# TYPE prassi_delivery_queue_depth gauge");
        let instances = crate::db::instances::all(db).await?;
        for i in &instances {
            let _ = writeln!(
                w,
                "prassi_delivery_queue_depth{{destination=\"{}\"}} {}",
                esc(&i.domain),
                i.pending
            );
        }
        let _ = writeln!(w, "# HELP prassi_delivery_oldest_pending_seconds Age of the oldest waiting delivery, per destination.");
        let _ = writeln!(w, "# TYPE prassi_delivery_oldest_pending_seconds gauge");
        for i in &instances {
            let age = i
                .oldest_pending_at
                .map(|t| (now - t).max(0) as f64 / 1000.0)
                .unwrap_or(0.0);
            let _ = writeln!(
                w,
                "prassi_delivery_oldest_pending_seconds{{destination=\"{}\"}} {age}",
                esc(&i.domain)
            );
        }
        let _ = writeln!(
            w,
            "# HELP prassi_instance_dead 1 when an instance is marked dead."
        );
        let _ = writeln!(w, "# TYPE prassi_instance_dead gauge");
        for i in &instances {
            let _ = writeln!(
                w,
                "prassi_instance_dead{{destination=\"{}\"}} {}",
                esc(&i.domain),
                u8::from(i.state == crate::domain::delivery::InstanceState::Dead)
            );
        }
        let _ = writeln!(
            w,
            "# HELP prassi_delivery_sends_total Delivery tries by this process, by outcome."
        );
        let _ = writeln!(w, "# TYPE prassi_delivery_sends_total counter");
        for (o, n) in lock(&self.sends).iter() {
            let _ = writeln!(
                w,
                "prassi_delivery_sends_total{{outcome=\"{}\"}} {n}",
                esc(o)
            );
        }
        let _ = writeln!(w, "# HELP prassi_deliveries_finished_total Finished deliveries recorded in the database, by outcome.");
        let _ = writeln!(w, "# TYPE prassi_deliveries_finished_total counter");
        for (o, n) in deliveries::outcome_counts(db).await? {
            let _ = writeln!(
                w,
                "prassi_deliveries_finished_total{{outcome=\"{}\"}} {n}",
                esc(&o)
            );
        }
        let _ = writeln!(
            w,
            "# HELP prassi_delivery_latency_seconds Time from queueing to delivery."
        );
        let _ = writeln!(w, "# TYPE prassi_delivery_latency_seconds histogram");
        {
            let h = lock(&self.latency);
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    w,
                    "prassi_delivery_latency_seconds_bucket{{le=\"{b}\"}} {}",
                    h.0[i]
                );
            }
            let _ = writeln!(
                w,
                "prassi_delivery_latency_seconds_bucket{{le=\"+Inf\"}} {}",
                h.2
            );
            let _ = writeln!(w, "prassi_delivery_latency_seconds_sum {}", h.1);
            let _ = writeln!(w, "prassi_delivery_latency_seconds_count {}", h.2);
        }
        counters(
            w,
            "prassi_inbox_total",
            "Incoming activities handled by this process.",
            "outcome",
            &[
                ("received", &self.inbox_received),
                ("duplicate", &self.inbox_duplicates),
                ("applied", &self.inbox_applied),
                ("failed", &self.inbox_failed),
            ],
        );
        let _ = writeln!(
            w,
            "# HELP prassi_inbox_activities Stored incoming activities, by state."
        );
        let _ = writeln!(w, "# TYPE prassi_inbox_activities gauge");
        for (s, n) in inbox::state_counts(db).await? {
            let _ = writeln!(w, "prassi_inbox_activities{{state=\"{}\"}} {n}", esc(&s));
        }
        let c = &self.connections;
        let _ = writeln!(w, "# HELP prassi_http_connections Open HTTP connections.");
        let _ = writeln!(w, "# TYPE prassi_http_connections gauge");
        let _ = writeln!(w, "prassi_http_connections {}", c.open.load(Relaxed));
        let _ = writeln!(
            w,
            "# HELP prassi_http_requests_in_flight Requests being answered."
        );
        let _ = writeln!(w, "# TYPE prassi_http_requests_in_flight gauge");
        let _ = writeln!(
            w,
            "prassi_http_requests_in_flight {}",
            c.in_flight.load(Relaxed)
        );
        counters(
            w,
            "prassi_http_connections_total",
            "HTTP connections accepted, and how they were cut short.",
            "event",
            &[
                ("accepted", &c.accepted),
                ("closed_idle", &c.closed_idle),
                ("closed_header_timeout", &c.closed_header_timeout),
                ("evicted", &c.evicted),
                ("refused", &c.refused),
            ],
        );
        counters(
            w,
            "prassi_login_total",
            "Log-in attempts by what happened.",
            "event",
            &[
                ("password_checked", &self.password_checks),
                ("throttled", &self.logins_throttled),
            ],
        );
        counters(
            w,
            "prassi_practice_pages_total",
            "Practice pages answered to readers who are not signed in: made, or kept and answered again because nothing they show had changed.",
            "event",
            &[("made", &self.pages_made), ("reused", &self.pages_reused)],
        );
        Ok(out)
    }
}

/// A counter family with one label: `# HELP`, `# TYPE` and a line per value.
fn counters(w: &mut String, name: &str, help: &str, label: &str, values: &[(&str, &AtomicU64)]) {
    let _ = writeln!(w, "# HELP {name} {help}");
    let _ = writeln!(w, "# TYPE {name} counter");
    for (k, v) in values {
        let _ = writeln!(w, "{name}{{{label}=\"{k}\"}} {}", v.load(Relaxed));
    }
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
