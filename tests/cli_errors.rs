//! The `prassi` command names every bad argument of a command at once.

use std::{
    io::Write,
    process::{Command, Stdio},
};

/// Runs `prassi args…` on a fresh data directory with `stdin`; returns the exit code and
/// standard error.
fn run(dir: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_prassi"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PRASSI_DATA_DIR", dir)
        .env("PRASSI_PUBLIC_URL", "http://localhost:8080")
        .env("PRASSI_LOG", "warn")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn create_user_names_every_bad_argument() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = [
        "admin",
        "create-user",
        "Bad User",
        "--role",
        "boss",
        "--organization",
        "nowhere",
        "--password-stdin",
    ];
    let (code, err) = run(dir.path(), &args, "short\n");
    assert_ne!(code, 0, "{err}");
    for field in ["username:", "role:", "organization:", "password:"] {
        assert!(err.contains(field), "`{field}` missing from:\n{err}");
    }
    assert!(err.contains("boss"), "{err}");

    // With a good role the same arguments are still all named.
    let mut good_role = args;
    good_role[4] = "citizen";
    let (code, err) = run(dir.path(), &good_role, "short\n");
    assert_ne!(code, 0, "{err}");
    for field in ["username:", "organization:", "password:"] {
        assert!(err.contains(field), "`{field}` missing from:\n{err}");
    }
    assert!(!err.contains("role:"), "{err}");
}
