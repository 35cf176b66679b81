//! The `prassi` command as scripts use it: exact admin forms, clear errors, a served instance.

use std::{
    io::Write,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

mod common;
use common::{free_port, prassi};

fn run(cmd: &mut Command, stdin: &str) -> (i32, String, String) {
    let mut child = cmd
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
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn curl(args: &[&str]) -> Option<String> {
    let out = Command::new("curl").arg("-sf").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn admin_commands_and_serve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let port = free_port();
    let (code, out, err) = run(
        prassi(d, port).args([
            "admin",
            "create-organization",
            "comune-bari",
            "--name",
            "Comune di Bari",
            "--ipa-code",
            "c_a662",
            "--level",
            "local",
            "--region",
            "ITF4",
        ]),
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("comune-bari"));

    // Every bad field named at once, non-zero exit.
    let (code, _, err) = run(
        prassi(d, port).args([
            "admin",
            "create-organization",
            "Bad Handle",
            "--name",
            "",
            "--level",
            "county",
        ]),
        "",
    );
    assert_ne!(code, 0);
    for f in ["handle:", "name:", "level:"] {
        assert!(err.contains(f), "{err}");
    }
    let (code, _, err) = run(
        prassi(d, port).args([
            "admin",
            "create-user",
            "mario",
            "--role",
            "manager",
            "--password-stdin",
        ]),
        "long-enough-pass\n",
    );
    assert_ne!(code, 0);
    assert!(err.contains("organization"), "{err}");
    let (code, out, err) = run(
        prassi(d, port).args([
            "admin",
            "create-user",
            "mario",
            "--role",
            "manager",
            "--organization",
            "comune-bari",
            "--password-stdin",
        ]),
        "long-enough-pass\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = run(prassi(d, port).args(["admin", "token", "mario"]), "");
    assert_eq!(code, 0);
    let token = out.split_whitespace().last().expect("token").to_string();
    assert!(token.starts_with("prs_"));
    let (code, _, err) = run(prassi(d, port).args(["admin", "token", "nobody"]), "");
    assert_ne!(code, 0);
    assert!(err.contains("nobody"));

    // Trusted administration instances, named as in actor ids.
    let (code, out, err) = run(
        prassi(d, port).args(["admin", "trust-instance", "Regione.Example"]),
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("trusted now: localhost:{port}, regione.example")),
        "{out}"
    );
    let (code, _, err) = run(
        prassi(d, port).args(["admin", "trust-instance", "https://x/"]),
        "",
    );
    assert_ne!(code, 0);
    assert!(err.contains("host"), "{err}");
    let (code, out, err) = run(
        prassi(d, port).args(["admin", "untrust-instance", "regione.example"]),
        "",
    );
    assert_eq!(code, 0, "{out}{err}");

    // Demo data: a published practice per demo organisation, but none for Bari, whose IPA
    // code `comune-bari` already has; nothing more the second time.
    let (code, out, err) = run(prassi(d, port).args(["admin", "seed-demo"]), "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Published 2 demo practices"), "{out}");
    assert!(
        out.contains("Skipped the demo practice of Comune di Bari: the organisation `comune-bari` already has its IPA code c_a662"),
        "{out}"
    );
    let demo_url = out
        .lines()
        .find_map(|l| l.trim().strip_prefix(&format!("http://localhost:{port}")))
        .expect("a practice URL")
        .to_string();
    let (code, out, _) = run(prassi(d, port).args(["admin", "seed-demo"]), "");
    assert_eq!(code, 0);
    assert!(out.contains("Published 0 demo practices"), "{out}");

    // A wrong setting is named, with a non-zero exit.
    let (code, _, err) = run(
        prassi(d, port).env("PRASSI_BIND", "nowhere").arg("serve"),
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("PRASSI_BIND"), "{err}");

    // The database belongs to one address: another public URL is refused, clearly.
    let (code, _, err) = run(
        prassi(d, port)
            .env("PRASSI_PUBLIC_URL", "http://localhost:1")
            .arg("serve"),
        "",
    );
    assert_ne!(code, 0);
    assert!(err.contains("cannot change its address"), "{err}");

    // Serve, answer WebFinger and the API, stop gracefully on SIGTERM.
    let mut child = prassi(d, port)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let url = format!(
        "http://127.0.0.1:{port}/.well-known/webfinger?resource=acct:comune-bari@localhost:{port}"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        if let Some(b) = curl(&[&url]) {
            break b;
        }
        assert!(Instant::now() < deadline, "the instance did not answer");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        body.contains(&format!("http://localhost:{port}/actors/comune-bari")),
        "{body}"
    );
    let me = curl(&[
        "-H",
        &format!("Authorization: Bearer {token}"),
        &format!("http://127.0.0.1:{port}/api/v1/me"),
    ])
    .expect("me");
    assert!(me.contains("\"organization\":\"comune-bari\""), "{me}");
    let page = curl(&[&format!("http://127.0.0.1:{port}{demo_url}")]).expect("practice page");
    assert!(
        page.contains("<h2 id=\"h-lessons_learned\">Lezioni apprese</h2>"),
        "{page}"
    );
    // A document is a link named by its caption, not an empty one.
    assert!(
        page.contains("<span>Slide del primo modulo</span>"),
        "{page}"
    );
    // Its attachments are real files: a JPEG picture and a PDF named by its caption.
    let article = curl(&[
        "-H",
        "Accept: application/activity+json",
        &format!("http://127.0.0.1:{port}{demo_url}"),
    ])
    .expect("practice document");
    assert!(
        article.contains("\"mediaType\":\"image/jpeg\""),
        "{article}"
    );
    assert!(
        article.contains("\"mediaType\":\"application/pdf\""),
        "{article}"
    );
    assert!(
        article.contains("\"name\":\"Slide del primo modulo\""),
        "{article}"
    );
    // Admin commands run beside the server: they hold no node name.
    let (code, out, err) = run(prassi(d, port).args(["admin", "seed-demo"]), "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Published 0 demo practices"), "{out}");
    // Disabling an account ends its tokens at once, even with the server running.
    let (code, out, err) = run(prassi(d, port).args(["admin", "disable-user", "mario"]), "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 token(s) revoked"), "{out}");
    let status = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(format!("http://127.0.0.1:{port}/api/v1/me"))
        .output()
        .expect("curl");
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "401",
        "the token still works"
    );
    let (code, _, err) = run(prassi(d, port).args(["admin", "token", "mario"]), "");
    assert_ne!(code, 0);
    assert!(err.contains("disabled"), "{err}");
    let (code, out, err) = run(prassi(d, port).args(["admin", "enable-user", "mario"]), "");
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(prassi(d, port).args(["admin", "delete-user", "nobody"]), "");
    assert_ne!(code, 0);
    assert!(err.contains("nobody"), "{err}");
    // A manager who uploaded the demo's files can be deleted; the practice stays.
    let (code, out, err) = run(
        prassi(d, port).args(["admin", "delete-user", "demo-comune-di-bergamo"]),
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(
        prassi(d, port).args(["admin", "enable-user", "demo-comune-di-bergamo"]),
        "",
    );
    assert_ne!(code, 0);
    assert!(err.contains("was deleted"), "{err}");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    let status = child.wait().expect("wait");
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

/// Every bad argument of a command is named at once.
#[test]
fn create_user_names_every_bad_argument() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
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
    let (code, _, err) = run(prassi(dir.path(), port).args(args), "short\n");
    assert_ne!(code, 0, "{err}");
    for field in ["username:", "role:", "organization:", "password:"] {
        assert!(err.contains(field), "`{field}` missing from:\n{err}");
    }
    assert!(err.contains("boss"), "{err}");

    // With a good role the same arguments are still all named.
    let mut good_role = args;
    good_role[4] = "citizen";
    let (code, _, err) = run(prassi(dir.path(), port).args(good_role), "short\n");
    assert_ne!(code, 0, "{err}");
    for field in ["username:", "organization:", "password:"] {
        assert!(err.contains(field), "`{field}` missing from:\n{err}");
    }
    assert!(!err.contains("role:"), "{err}");
}
