//! One clear line (never a panic) for each kind of bad setup: configuration, database, port,
//! the portal build, production without its keys, and demo data outside development mode; and
//! a staging server in production that keeps its outbox to itself.

use super::one_line_error;
use crate::helpers;
use helpers::run_server;

#[test]
fn unknown_configuration_key_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portal.toml");
    std::fs::write(
        &file,
        "bind = \"127.0.0.1:0\"\ndatabse_url = \"sqlite://x.db\"\n",
    )
    .unwrap();
    let line = one_line_error(&run_server(
        &[],
        &["--config", file.to_str().unwrap(), "migrate"],
    ));
    assert!(
        line.contains("databse_url") && line.contains("portal.toml"),
        "{line}"
    );
    let line = one_line_error(&run_server(&[("PORTAL_DATABSE_URL", "x")], &["migrate"]));
    assert!(line.contains("PORTAL_DATABSE_URL"), "{line}");
}

#[test]
fn unreadable_database_path_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let url = format!("sqlite://{}/portal.db", blocker.display());
    let line = one_line_error(&run_server(&[("PORTAL_DATABASE_URL", &url)], &["migrate"]));
    assert!(
        line.contains("cannot open the database") && line.contains("a-file"),
        "{line}"
    );
    let line = one_line_error(&run_server(
        &[(
            "PORTAL_DATABASE_URL",
            &format!("sqlite://{}", dir.path().display()),
        )],
        &["migrate"],
    ));
    assert!(line.contains("folder"), "{line}");
}

#[test]
fn port_in_use_is_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
    let url = format!("sqlite://{}/portal.db", dir.path().display());
    let env = [
        ("PORTAL_MODE", "development"),
        ("PORTAL_BIND", addr.as_str()),
        ("PORTAL_DATABASE_URL", url.as_str()),
        ("PORTAL_STATIC_DIR", dir.path().to_str().unwrap()),
    ];
    let line = one_line_error(&run_server(&env, &["serve"]));
    assert!(
        line.contains("already in use") && line.contains("PORTAL_BIND"),
        "{line}"
    );
}

#[test]
fn missing_portal_build_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/portal.db", dir.path().display());
    let empty = dir.path().join("no-dist");
    let line = one_line_error(&run_server(
        &[
            ("PORTAL_MODE", "development"),
            ("PORTAL_DATABASE_URL", &url),
            ("PORTAL_STATIC_DIR", empty.to_str().unwrap()),
        ],
        &["serve"],
    ));
    assert!(line.contains("build-portal"), "{line}");
}

#[test]
fn serving_in_production_without_a_secret_key_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/portal.db", dir.path().display());
    let line = one_line_error(&run_server(
        &[("PORTAL_DATABASE_URL", &url), ("PORTAL_MODE", "production")],
        &["serve"],
    ));
    assert!(
        line.contains("secret_key") && line.contains("PORTAL_SECRET_KEY"),
        "{line}"
    );
    let line = one_line_error(&run_server(
        &[
            ("PORTAL_DATABASE_URL", &url),
            ("PORTAL_SECRET_KEY", "too short"),
        ],
        &["serve"],
    ));
    assert!(line.contains("at least 32 bytes"), "{line}");
}

#[test]
fn twilio_without_its_keys_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/portal.db", dir.path().display());
    let line = one_line_error(&run_server(
        &[
            ("PORTAL_DATABASE_URL", &url),
            ("PORTAL_SMS_PROVIDER", "twilio"),
        ],
        &["serve"],
    ));
    assert!(line.contains("PORTAL_TWILIO_ACCOUNT_SID"), "{line}");
}

#[test]
fn smtp_without_its_keys_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/portal.db", dir.path().display());
    let line = one_line_error(&run_server(
        &[
            ("PORTAL_DATABASE_URL", &url),
            ("PORTAL_EMAIL_PROVIDER", "smtp"),
        ],
        &["serve"],
    ));
    assert!(line.contains("PORTAL_SMTP_HOST"), "{line}");
}

#[test]
fn serve_without_configuration_is_production_and_refuses_with_one_line() {
    // No file, no PORTAL_* variable: what an operator who forgot everything gets. The refusal
    // comes before the database is touched, so nothing is created in the working directory.
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_portal-server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(dir.path())
        .arg("serve")
        .output()
        .unwrap();
    let line = one_line_error(&out);
    for needed in [
        "production mode",
        "PORTAL_SECRET_KEY",
        "PORTAL_PUBLIC_URL",
        "PORTAL_SMS_PROVIDER",
        "PORTAL_EMAIL_PROVIDER",
        "PORTAL_MODE=development",
    ] {
        assert!(line.contains(needed), "{needed} missing from: {line}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no database was created"
    );
}

#[tokio::test]
async fn a_staging_server_in_production_keeps_the_outbox_but_never_serves_it() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
    let url = format!("sqlite://{}/portal.db", dir.path().display());
    let key = "k".repeat(48);
    let env = [
        ("PORTAL_BIND", "127.0.0.1:0"),
        ("PORTAL_DATABASE_URL", url.as_str()),
        ("PORTAL_STATIC_DIR", dir.path().to_str().unwrap()),
        ("PORTAL_SECRET_KEY", key.as_str()),
        ("PORTAL_PUBLIC_URL", "https://staging.example.com"),
        ("PORTAL_ALLOW_OUTBOX_IN_PRODUCTION", "true"),
    ];
    let mut child = helpers::server_command(&env, &["serve"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines.next().unwrap().unwrap();
    let staging = lines.next().unwrap().unwrap();
    let base = ready
        .strip_prefix("Portal ready at ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected first line: {ready}"))
        .to_owned();
    let status = |path: &str| {
        let url = format!("{base}{path}");
        async move { reqwest::get(url).await.unwrap().status().as_u16() }
    };
    let health = status("/api/health").await;
    let outbox = status("/dev/outbox").await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(ready.contains("production mode"), "{ready}");
    assert!(staging.contains("outbox"), "{staging}");
    assert_eq!(health, 200);
    assert_eq!(outbox, 404, "/dev/outbox does not exist in production");
}

#[test]
fn seed_demo_refuses_without_development_mode() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/portal.db", dir.path().display());
    let line = one_line_error(&run_server(
        &[("PORTAL_DATABASE_URL", &url)],
        &["seed-demo"],
    ));
    assert!(line.contains("development mode"), "{line}");
}

#[test]
fn seed_demo_refuses_production() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/portal.db", dir.path().display());
    let line = one_line_error(&run_server(
        &[("PORTAL_DATABASE_URL", &url), ("PORTAL_MODE", "production")],
        &["seed-demo"],
    ));
    assert!(line.contains("development mode"), "{line}");
}
