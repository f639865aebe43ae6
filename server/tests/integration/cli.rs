//! The server binary as an operator meets it: subcommands, idempotent demo data, and one clear
//! line (never a panic) for each kind of bad setup.

use crate::helpers;
use helpers::{run_server, run_server_ok, Db};
use std::process::Output;

fn one_line_error(out: &Output) -> String {
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    lines[0].to_owned()
}

async fn seed_demo_is_idempotent_and_prints_the_people(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let url = helpers::fresh_database(db, dir.path()).await;
    let files = dir.path().join("files").display().to_string();
    let env = [
        ("PORTAL_MODE", "development"),
        ("PORTAL_DATABASE_URL", url.as_str()),
        ("PORTAL_STORAGE_DIR", files.as_str()),
    ];
    let first = run_server(&env, &["seed-demo"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let second = run_server(&env, &["seed-demo"]);
    assert!(second.status.success());
    let printed = String::from_utf8_lossy(&second.stdout);
    for expected in [
        "Maria Lopez",
        "(972) 555-0101",
        "1985-04-12",
        "guardian of Lily Carter",
        "Riverbend Pediatrics",
        "Grace Kim",
    ] {
        assert!(
            printed.contains(expected),
            "{expected} missing from:\n{printed}"
        );
    }
    let count = |slug: &str| {
        let out = run_server(&env, &["patient", "list", "--practice", slug]);
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout)
            .unwrap()
            .len()
    };
    assert_eq!(
        (count("lakeside"), count("riverbend")),
        (4, 1),
        "running twice adds nothing"
    );
    let store = portal_server::store::Store::connect(&url, 2).await.unwrap();
    let lakeside = store.practice_by_slug("lakeside").await.unwrap().unwrap();
    let lily = store
        .patient_by_external_id(&lakeside.id, "demo-lily-carter")
        .await
        .unwrap()
        .unwrap();
    let links = store.links_for_patient(&lily.id).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(
        (links[0].relationship.as_str(), links[0].status.as_str()),
        ("guardian", "pending_activation")
    );
    // Maria has one welcome message from Lakeside, however often the demo is seeded.
    let maria = store
        .patient_by_external_id(&lakeside.id, "demo-maria-lopez")
        .await
        .unwrap()
        .unwrap();
    let messages = store
        .messages_for_patient(&lakeside.id, &maria.id)
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        (
            messages[0].sender_kind.as_str(),
            messages[0].visible_to_patient
        ),
        ("practice", 1)
    );
    // Record items for the demo people, once however often the demo is seeded; the children's
    // e-mail on file is the family's.
    assert_eq!(lily.email.as_deref(), Some("carter.family@example.com"));
    let robert = store
        .patient_by_external_id(&lakeside.id, "demo-robert-kim")
        .await
        .unwrap()
        .unwrap();
    let appointments = store.appointments(&robert.id).await.unwrap();
    assert_eq!(appointments.len(), 2);
    let now = chrono::Utc::now().timestamp_millis();
    assert!(appointments.iter().any(|a| a.starts_at > now));
    assert!(appointments.iter().any(|a| a.starts_at < now));
    assert_eq!(store.plans(&robert.id).await.unwrap().len(), 1);
    assert_eq!(store.forms(&maria.id).await.unwrap().len(), 2);
    let documents = store.documents(&robert.id).await.unwrap();
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].content_type, "application/pdf");
    // Riverbend asks for a dependent's sex; Lakeside does not.
    let riverbend = store.practice_by_slug("riverbend").await.unwrap().unwrap();
    assert_eq!(
        (lakeside.asks_dependent_sex, riverbend.asks_dependent_sex),
        (0, 1)
    );
}

async fn access_links_and_records_from_the_command_line(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let url = helpers::fresh_database(db, dir.path()).await;
    let files = dir.path().join("files").display().to_string();
    let env = [
        ("PORTAL_MODE", "development"),
        ("PORTAL_DATABASE_URL", url.as_str()),
        ("PORTAL_STORAGE_DIR", files.as_str()),
    ];
    let json = |args: &[&str]| {
        serde_json::from_str::<serde_json::Value>(&run_server_ok(&env, args)).unwrap()
    };
    assert!(run_server(&env, &["seed-demo"]).status.success());
    let store = portal_server::store::Store::connect(&url, 2).await.unwrap();
    let lakeside = store.practice_by_slug("lakeside").await.unwrap().unwrap();
    let lily = store
        .patient_by_external_id(&lakeside.id, "demo-lily-carter")
        .await
        .unwrap()
        .unwrap()
        .id;
    let link = json(&[
        "access-link",
        "create",
        "--practice",
        "lakeside",
        "--patient",
        &lily,
    ]);
    assert_eq!(link["status"], "pending");
    assert_eq!(link["sent_to"], "carter.family@example.com");
    let mails: Vec<_> = store
        .list_outbox(10)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.channel == "email")
        .collect();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].body.contains("/link/"));
    assert!(!mails[0].body.contains("2016"), "no date of birth");
    let id = link["id"].as_str().unwrap();
    let revoked = json(&[
        "access-link",
        "revoke",
        "--practice",
        "lakeside",
        "--id",
        id,
    ]);
    assert_eq!(revoked["status"], "revoked");
    let list = json(&[
        "access-link",
        "list",
        "--practice",
        "lakeside",
        "--patient",
        &lily,
    ]);
    assert_eq!(list[0]["status"], "revoked");
    let maria = store
        .patient_by_external_id(&lakeside.id, "demo-maria-lopez")
        .await
        .unwrap()
        .unwrap()
        .id;
    json(&[
        "record",
        "appointment",
        "--practice",
        "lakeside",
        "--patient",
        &maria,
        "--starts-at",
        "2030-03-02T15:30:00-06:00",
        "--duration",
        "20",
        "--location",
        "Room 9",
        "--with",
        "Dr. Test",
    ]);
    json(&[
        "record",
        "plan",
        "--practice",
        "lakeside",
        "--patient",
        &maria,
        "--title",
        "Plan",
        "--body",
        "Rest.",
    ]);
    json(&[
        "record",
        "form",
        "--practice",
        "lakeside",
        "--patient",
        &maria,
        "--title",
        "Form",
        "--due",
        "2030-01-01",
    ]);
    let pdf = dir.path().join("note.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 test").unwrap();
    let doc = json(&[
        "record",
        "document",
        "--practice",
        "lakeside",
        "--patient",
        &maria,
        "--title",
        "Note",
        "--date",
        "2026-01-02",
        "--file",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(doc["file_name"], "note.pdf");
    assert_eq!(doc["content_type"], "application/pdf");
    assert!(store
        .appointments(&maria)
        .await
        .unwrap()
        .iter()
        .any(|a| a.with_whom == "Dr. Test"));
    let contacts = json(&[
        "guardian",
        "list",
        "--practice",
        "lakeside",
        "--patient",
        &lily,
    ]);
    let contact = contacts[0]["id"].as_str().unwrap();
    let revoked = json(&[
        "contact",
        "revoke",
        "--practice",
        "lakeside",
        "--patient",
        &lily,
        "--id",
        contact,
    ]);
    assert_eq!(revoked["status"], "revoked");
}

async fn practice_operations_from_the_command_line(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let url = helpers::fresh_database(db, dir.path()).await;
    let files = dir.path().join("files").display().to_string();
    let env = [
        ("PORTAL_DATABASE_URL", url.as_str()),
        ("PORTAL_STORAGE_DIR", files.as_str()),
    ];
    let ok = |args: &[&str]| run_server_ok(&env, args);
    ok(&[
        "practice",
        "upsert",
        "--slug",
        "hill",
        "--name",
        "Hill Clinic",
        "--phone",
        "(972) 555-0120",
        "--time-zone",
        "America/Denver",
    ]);
    let patient: serde_json::Value = serde_json::from_str(&ok(&[
        "patient",
        "create",
        "--practice",
        "hill",
        "--first-name",
        "Ana",
        "--last-name",
        "Diaz",
        "--dob",
        "2012-05-01",
    ]))
    .unwrap();
    let id = patient["id"].as_str().unwrap();
    let link: serde_json::Value = serde_json::from_str(&ok(&[
        "guardian",
        "add",
        "--practice",
        "hill",
        "--patient",
        id,
        "--phone",
        "972 555 0121",
    ]))
    .unwrap();
    assert_eq!(link["status"], "pending_activation");
    let token = ok(&["token", "create", "--label", "ehr", "--practice", "hill"]);
    assert!(token.lines().nth(1).unwrap().starts_with("ppt_"));

    let bad = one_line_error(&run_server(
        &env,
        &[
            "patient",
            "create",
            "--practice",
            "hill",
            "--first-name",
            "A",
            "--last-name",
            "B",
            "--dob",
            "2012-02-30",
        ],
    ));
    assert!(bad.contains("--dob"), "{bad}");
    let bad = one_line_error(&run_server(
        &env,
        &[
            "guardian",
            "add",
            "--practice",
            "hill",
            "--patient",
            id,
            "--phone",
            "12",
        ],
    ));
    assert!(bad.contains("--phone") && bad.contains("10-digit"), "{bad}");
    let bad = one_line_error(&run_server(
        &env,
        &["patient", "list", "--practice", "nowhere"],
    ));
    assert!(bad.contains("not found"), "{bad}");
}

on_both_databases!(
    seed_demo_is_idempotent_and_prints_the_people,
    access_links_and_records_from_the_command_line,
    practice_operations_from_the_command_line
);

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
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_portal-server"));
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PORTAL_")) {
        cmd.env_remove(k);
    }
    let mut child = cmd
        .envs([
            ("PORTAL_BIND", "127.0.0.1:0"),
            ("PORTAL_DATABASE_URL", url.as_str()),
            ("PORTAL_STATIC_DIR", dir.path().to_str().unwrap()),
            ("PORTAL_SECRET_KEY", key.as_str()),
            ("PORTAL_PUBLIC_URL", "https://staging.example.com"),
            ("PORTAL_ALLOW_OUTBOX_IN_PRODUCTION", "true"),
        ])
        .arg("serve")
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

#[test]
fn help_documents_each_subcommand() {
    let out = run_server(&[], &["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for sub in [
        "serve",
        "migrate",
        "seed-demo",
        "openapi",
        "practice",
        "patient",
        "guardian",
        "token",
        "access-link",
        "contact",
        "record",
    ] {
        assert!(help.contains(sub), "{sub} missing from --help:\n{help}");
    }
}
