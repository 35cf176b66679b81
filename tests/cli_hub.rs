//! `prassi admin follow-instance … --wait` beside a running hub: the command queues the
//! Follow in the database, the running server delivers it and walks the region's outbox, and
//! the command shows the progress it reads from the database until the walk is done.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

mod common;
use common::free_port;

/// `prassi` as a hub's test runs it: private peers allowed, quick delivery, one practice an
/// outbox page.
fn prassi(dir: &std::path::Path, port: u16) -> Command {
    let mut c = common::prassi(dir, port);
    c.env("PRASSI_ALLOW_PRIVATE_PEERS", "true")
        .env("PRASSI_DELIVERY_POLL_MS", "50")
        .env("PRASSI_DELIVERY_RETRY_BASE_MS", "50")
        .env("PRASSI_DELIVERY_RETRY_CAP_SECS", "1")
        .env("PRASSI_OUTBOX_PAGE_SIZE", "1");
    c
}

/// Runs `cmd` to its end, at most `secs`: exit code, stdout, stderr.
fn run_for(cmd: &mut Command, secs: u64) -> (i32, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(secs);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A served instance, killed when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &std::path::Path, port: u16) -> Served {
    let child = prassi(dir, port)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    // Answering, not only listening: the port is bound before the database is migrated.
    let deadline = Instant::now() + Duration::from_secs(30);
    let up = || {
        Command::new("curl")
            .args(["-sf", &format!("http://127.0.0.1:{port}/nodeinfo/2.1")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    while !up() {
        assert!(Instant::now() < deadline, "the instance did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Served(child)
}

#[test]
fn follow_instance_waits_for_the_backfill_beside_a_running_hub() {
    let (rdir, hdir) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let (rport, hport) = (free_port(), free_port());
    let (code, out, err) = run_for(prassi(rdir.path(), rport).args(["admin", "seed-demo"]), 120);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Published 3 demo practices"), "{out}");
    let _region = serve(rdir.path(), rport);
    let _hub = serve(hdir.path(), hport);
    let region = format!("http://localhost:{rport}");

    let (code, _, err) = run_for(
        prassi(hdir.path(), hport).args(["admin", "follow-instance", "not a url"]),
        60,
    );
    assert_ne!(code, 0);
    assert!(err.contains("must be the http(s) URL"), "{err}");

    let (code, out, err) = run_for(
        prassi(hdir.path(), hport).args(["admin", "follow-instance", &region, "--wait"]),
        120,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("Following {region}/actor")), "{out}");
    // One line per change of the progress (no terminal), ending with the total.
    assert!(out.contains("pages, "), "{out}");
    assert!(out.contains("Backfill done: 3 practices"), "{out}");

    let (code, out, err) = run_for(
        prassi(hdir.path(), hport).args(["admin", "follow-instance", &region]),
        60,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Already following"), "{out}");
    let (code, out, _) = run_for(
        prassi(hdir.path(), hport).args(["admin", "instance-follows"]),
        60,
    );
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!("{region}/actor (accepted): "))
            && out.contains("pages, 3/3 practices, 0 errors"),
        "{out}"
    );
    let (code, out, err) = run_for(
        prassi(hdir.path(), hport).args(["admin", "unfollow-instance", &region]),
        60,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("No longer following"), "{out}");
    let (_, out, _) = run_for(
        prassi(hdir.path(), hport).args(["admin", "instance-follows"]),
        60,
    );
    assert!(out.contains("No instance followed"), "{out}");
}
