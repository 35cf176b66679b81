//! The configuration read from files and the environment: defaults, every setting, and
//! the errors that name the setting.

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn mail_needs_both_settings() {
    let c = Config::load_from(
        None,
        &env(&[
            ("PRASSI_SMTP_URL", "smtp://127.0.0.1:2525"),
            ("PRASSI_MAIL_FROM", "Prassi <noreply@example.org>"),
        ]),
    )
    .unwrap();
    assert!(c.mail.enabled());
    assert!(!Config::load_from(None, &env(&[])).unwrap().mail.enabled());
    let e = Config::load_from(None, &env(&[("PRASSI_SMTP_URL", "smtp://h")])).unwrap_err();
    assert_eq!(e.setting, "PRASSI_MAIL_FROM", "{e}");
    let e = Config::load_from(None, &env(&[("PRASSI_SMTP_URL", "http://h")])).unwrap_err();
    assert_eq!(e.setting, "PRASSI_SMTP_URL", "{e}");
}

#[test]
fn defaults_without_anything() {
    let c = Config::load_from(None, &env(&[])).unwrap();
    assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(c.domain(), "localhost:8080");
    assert!(!c.allow_private_peers);
    assert_eq!(c.database_url, "sqlite://./data/prassi.db");
    assert_eq!(c.media_max_bytes, 50 * 1024 * 1024);
}

#[test]
fn env_overrides_and_errors_name_the_setting() {
    let c = Config::load_from(
        None,
        &env(&[
            ("PRASSI_ALLOW_PRIVATE_PEERS", "true"),
            ("PRASSI_PUBLIC_URL", "http://localhost:9000"),
            ("PRASSI_DATA_DIR", "/tmp/x"),
            ("PRASSI_MEDIA_MAX_BYTES", "1048576"),
        ]),
    )
    .unwrap();
    assert_eq!(c.domain(), "localhost:9000");
    assert_eq!(c.media_max_bytes, 1_048_576);
    assert_eq!(c.database_url, "sqlite:///tmp/x/prassi.db");
    for (k, v) in [
        ("PRASSI_BIND", "nope"),
        ("PRASSI_ALLOW_PRIVATE_PEERS", "maybe"),
        ("PRASSI_DATABASE_URL", "mysql://x"),
        ("PRASSI_PUBLIC_URL", "ftp://x"),
        ("PRASSI_MEDIA_MAX_BYTES", "50MB"),
        ("PRASSI_MEDIA_MAX_BYTES", "0"),
    ] {
        let e = Config::load_from(None, &env(&[(k, v)])).unwrap_err();
        assert_eq!(e.setting, k, "{e}");
    }
}

#[test]
fn reading_floor_is_a_share() {
    let c = Config::load_from(None, &env(&[])).unwrap();
    assert_eq!(c.reading_min_fraction, 0.25);
    let c = Config::load_from(None, &env(&[("PRASSI_READING_MIN_FRACTION", "0")])).unwrap();
    assert_eq!(c.reading_min_fraction, 0.0);
    for bad in ["-0.1", "1.5", "a quarter", "NaN"] {
        let e = Config::load_from(None, &env(&[("PRASSI_READING_MIN_FRACTION", bad)])).unwrap_err();
        assert_eq!(e.setting, "PRASSI_READING_MIN_FRACTION", "{e}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prassi.toml");
    std::fs::write(&path, "reading_min_fraction = 0.5\n").unwrap();
    let c = Config::load_from(Some(path), &env(&[])).unwrap();
    assert_eq!(c.reading_min_fraction, 0.5);
}

#[test]
fn a_bad_file_value_names_its_key_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prassi.toml");
    std::fs::write(&path, "bind = \"nope\"\n[server]\nmax_connections = 0\n").unwrap();
    let e = Config::load_from(Some(path.clone()), &env(&[])).unwrap_err();
    assert_eq!(e.setting, format!("`bind` in {}", path.display()), "{e}");
    // The environment wins, and then the file's next bad value is named.
    let e =
        Config::load_from(Some(path.clone()), &env(&[("PRASSI_BIND", "127.0.0.1:1")])).unwrap_err();
    assert_eq!(
        e.setting,
        format!("`server.max_connections` in {}", path.display())
    );
    std::fs::write(&path, "media_max_bytes = 0\n").unwrap();
    let e = Config::load_from(Some(path.clone()), &env(&[])).unwrap_err();
    assert_eq!(
        e.setting,
        format!("`media_max_bytes` in {}", path.display()),
        "{e}"
    );
    std::fs::write(&path, "bnid = \"x\"\n[login]\nlockout_secs = 1.5\n").unwrap();
    let e = Config::load_from(Some(path.clone()), &env(&[])).unwrap_err();
    assert!(e.message.contains("`bnid` is not a setting"), "{e}");
    assert!(e.message.contains("`login.lockout_secs`"), "{e}");
}

#[test]
fn server_and_login_settings() {
    let c = Config::load_from(
        None,
        &env(&[
            ("PRASSI_MAX_CONNECTIONS", "100"),
            ("PRASSI_HEADER_TIMEOUT_MS", "500"),
            ("PRASSI_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
            ("PRASSI_METRICS_TOKEN", "0123456789abcdef"),
        ]),
    )
    .unwrap();
    assert_eq!(c.server.max_connections, 100);
    assert_eq!(c.server.header_timeout, Duration::from_millis(500));
    assert_eq!(c.server.trusted_proxies.len(), 2);
    assert_eq!(c.metrics.token.as_deref(), Some("0123456789abcdef"));
    for (k, v) in [
        ("PRASSI_MAX_CONNECTIONS", "0"),
        ("PRASSI_TRUSTED_PROXIES", "10.0.0.1,proxy.example"),
        ("PRASSI_METRICS_TOKEN", "short"),
        ("PRASSI_METRICS_BIND", "9464"),
        ("PRASSI_LOGIN_LOCKOUT_FAILURES", "2"),
    ] {
        let e = Config::load_from(None, &env(&[(k, v)])).unwrap_err();
        assert_eq!(e.setting, k, "{e}");
    }
}

#[test]
fn instances_to_follow_and_outbox_pages() {
    let c = Config::load_from(
        None,
        &env(&[
            (
                "PRASSI_FOLLOW_INSTANCES",
                "https://a.example, https://b.example/actor\nhttp://localhost:9000",
            ),
            ("PRASSI_OUTBOX_PAGE_SIZE", "5"),
        ]),
    )
    .unwrap();
    let hosts: Vec<String> = c.follow_instances.iter().map(host_port).collect();
    assert_eq!(hosts, ["a.example", "b.example", "localhost:9000"]);
    assert_eq!(c.backfill.outbox_page_size, 5);
    for (k, v) in [
        ("PRASSI_FOLLOW_INSTANCES", "https://a.example, nope"),
        ("PRASSI_OUTBOX_PAGE_SIZE", "0"),
        ("PRASSI_OUTBOX_PAGE_SIZE", "100000"),
    ] {
        let e = Config::load_from(None, &env(&[(k, v)])).unwrap_err();
        assert_eq!(e.setting, k, "{e}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prassi.toml");
    std::fs::write(
        &path,
        "follow_instances = [\"https://a.example\", \"https://b.example\"]\n[backfill]\npage_interval_ms = 10\n",
    )
    .unwrap();
    let c = Config::load_from(Some(path), &env(&[])).unwrap();
    assert_eq!(c.follow_instances.len(), 2);
    assert_eq!(c.backfill.page_interval, Duration::from_millis(10));
}

#[test]
fn media_max_bytes_from_the_file_and_the_environment_wins() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prassi.toml");
    std::fs::write(&path, "media_max_bytes = 2048\n").unwrap();
    let c = Config::load_from(Some(path.clone()), &env(&[])).unwrap();
    assert_eq!(c.media_max_bytes, 2048);
    let c = Config::load_from(Some(path), &env(&[("PRASSI_MEDIA_MAX_BYTES", "4096")])).unwrap();
    assert_eq!(c.media_max_bytes, 4096);
}
