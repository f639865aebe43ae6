//! The subcommands on both databases: idempotent demo data, access links and records, and the
//! practice operations; and `--help` naming each of them.

use super::one_line_error;
use crate::helpers;
use helpers::{run_server, run_server_ok, Db};

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

on_both_databases!(
    seed_demo_is_idempotent_and_prints_the_people,
    access_links_and_records_from_the_command_line,
    practice_operations_from_the_command_line,
);
