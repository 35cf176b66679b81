//! What the tests of the `prassi` command share: a free port and the command itself, with a
//! clean environment and its own data directory.

use std::process::Command;

/// A free loopback port below the kernel's ephemeral range (from 32768 on Linux), so that no
/// outgoing connection takes it before the served process binds it.
pub fn free_port() -> u16 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let seed = u64::from(std::process::id()) * 7919 + now.map_or(0, |d| d.subsec_nanos().into());
    (0..1000u64)
        .map(|i| 10_000 + ((seed + i * 104_729) % 22_000) as u16)
        .find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
        .expect("a free port")
}

/// `prassi` with nothing of this shell's environment but `PATH`, on `dir` and `port`.
pub fn prassi(dir: &std::path::Path, port: u16) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_prassi"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PRASSI_DATA_DIR", dir)
        .env("PRASSI_BIND", format!("127.0.0.1:{port}"))
        .env("PRASSI_PUBLIC_URL", format!("http://localhost:{port}"))
        .env("PRASSI_LOG", "warn")
        .current_dir(dir);
    c
}
