//! Threads with a past: messages stored before messaging existed get their numbers, and a long
//! thread comes in pages.

use super::{conversation_of, thread};
use crate::helpers;
use helpers::people::*;
use helpers::{spawn, Db};

/// Messages stored before messaging existed (DOB-lockout notes) get seq 1, 2, 3… per
/// conversation in the order they were written, and their conversation's last seq.
async fn the_migration_numbers_existing_messages(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let url = helpers::fresh_database(db, dir.path()).await;
    let store = portal_server::store::Store::connect(&url, 2).await.unwrap();
    let kind = match db {
        Db::Sqlite => "sqlite",
        Db::Postgres => "postgres",
    };
    let old = dir.path().join("old-migrations");
    std::fs::create_dir_all(&old).unwrap();
    for file in [
        "0001_foundation.sql",
        "0002_sign_in.sql",
        "0003_patients.sql",
    ] {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(kind)
            .join(file);
        std::fs::copy(from, old.join(file)).unwrap();
    }
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap()
        .run(store.pool())
        .await
        .unwrap();
    let pool = store.pool();
    for sql in [
        "INSERT INTO practices (id, slug, name, phone, time_zone, created_at, updated_at)
         VALUES ('pr', 'oak', 'Oak', '+19725550100', 'America/Chicago', 1, 1)",
        "INSERT INTO patients (id, practice_id, first_name, last_name, dob, created_at, updated_at)
         VALUES ('pa', 'pr', 'Lily', 'Carter', '2016-09-03', 1, 1)",
        "INSERT INTO patients (id, practice_id, first_name, last_name, dob, created_at, updated_at)
         VALUES ('pb', 'pr', 'Noah', 'Carter', '2019-01-25', 1, 1)",
        "INSERT INTO conversations (id, practice_id, patient_id, status, created_at, updated_at)
         VALUES ('ca', 'pr', 'pa', 'unassigned', 1, 1)",
        "INSERT INTO conversations (id, practice_id, patient_id, status, created_at, updated_at)
         VALUES ('cb', 'pr', 'pb', 'unassigned', 1, 1)",
        "INSERT INTO messages (id, conversation_id, sender_kind, visible_to_patient, body, created_at)
         VALUES ('m-z', 'ca', 'system', 0, 'first', 100)",
        "INSERT INTO messages (id, conversation_id, sender_kind, visible_to_patient, body, created_at)
         VALUES ('m-b', 'ca', 'system', 0, 'third', 300)",
        "INSERT INTO messages (id, conversation_id, sender_kind, visible_to_patient, body, created_at)
         VALUES ('m-a', 'ca', 'system', 0, 'second', 200)",
        "INSERT INTO messages (id, conversation_id, sender_kind, visible_to_patient, body, created_at)
         VALUES ('m-c', 'cb', 'system', 0, 'only', 50)",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    store.migrate().await.unwrap();
    let seqs: Vec<(String, i64)> =
        sqlx::query_as("SELECT body, seq FROM messages ORDER BY conversation_id, seq")
            .fetch_all(pool)
            .await
            .unwrap();
    let seqs: Vec<(&str, i64)> = seqs.iter().map(|(b, s)| (b.as_str(), *s)).collect();
    assert_eq!(
        seqs,
        [("first", 1), ("second", 2), ("third", 3), ("only", 1)]
    );
    let last: Vec<(i64,)> = sqlx::query_as("SELECT last_seq FROM conversations ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(last, [(3,), (1,)]);
    // The next message continues the numbering.
    let mut tx = pool.begin().await.unwrap();
    portal_server::store::conversations::insert_staff_note(&mut tx, "ca", "fourth", 400)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (seq,): (i64,) = sqlx::query_as("SELECT seq FROM messages WHERE body = 'fourth'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(seq, 4);
}

async fn a_long_thread_comes_in_pages_of_two_hundred(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    let c = conversation_of(&app, &token, &f.lily).await;
    let mut tx = app.store.pool().begin().await.unwrap();
    for i in 1..=205 {
        portal_server::store::conversations::insert_message(
            &mut tx,
            &portal_server::store::conversations::NewMessage {
                conversation_id: &c,
                sender_kind: wire::messages::SenderKind::Practice,
                sender_account_id: None,
                visible_to_patient: true,
                body: &format!("message {i}"),
                client_key: None,
                author_name: None,
                event: None,
            },
            app.clock.now_ms(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let t = thread(&app, &james, &f.lily).await;
    let messages = t["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 200);
    assert_eq!(t["has_earlier"], true);
    assert_eq!(messages[0]["seq"], 6, "the newest 200, oldest first");
    assert_eq!(messages[199]["body"], "message 205");
    assert_eq!(t["unread_count"], 205);
    let (status, earlier) = get(
        &app,
        &format!("/api/patients/{}/messages?before=6", f.lily),
        &james,
    )
    .await;
    assert_eq!(status, 200);
    let older: Vec<u64> = earlier["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(older, [1, 2, 3, 4, 5]);
    assert_eq!(earlier["has_earlier"], false);
}

on_both_databases!(
    a_long_thread_comes_in_pages_of_two_hundred,
    the_migration_numbers_existing_messages,
);
