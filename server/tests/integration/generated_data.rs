//! The benchmark's data generator (`generate-data`) makes people the portal works with: a
//! guardian signs in and sees two children, an adult their own record, threads have their
//! messages in order; and a second run on the same database is refused.

use crate::helpers;
use helpers::people::{get, ok, sign_in, verify};
use helpers::{spawn, Db};
use portal_server::generate::{generate, Size};

async fn generated_people_sign_in_and_read_their_threads(db: Db) {
    let app = spawn(db).await;
    let size = Size {
        patients: 60,
        guardians: 10,
        messages: 250,
    };
    let made = generate(&app.store, size, app.clock.now_ms())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (made.patients, made.guardians, made.messages),
        (60, 10, 250)
    );

    let guardian = sign_in(&app, &made.guardian_phone).await;
    let children = ok(get(&app, "/api/practices/bench/patients", &guardian).await);
    let children = children.as_array().unwrap();
    assert_eq!(children.len(), 2, "{children:?}");
    let known = &made.guardian_children[0];
    let child = children
        .iter()
        .find(|c| c["first_name"] == known.first_name.as_str())
        .unwrap_or_else(|| panic!("{} among {children:?}", known.first_name))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    verify(&app, &guardian, &child, &known.dob, None).await;
    let thread = ok(get(&app, &format!("/api/patients/{child}/messages"), &guardian).await);
    let seqs: Vec<u64> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=5).collect::<Vec<u64>>(), "{thread}");

    let adult = sign_in(&app, &made.self_phone).await;
    let own = ok(get(&app, "/api/practices/bench/patients", &adult).await);
    assert_eq!(own.as_array().unwrap().len(), 1, "{own}");

    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(count, 250);
    assert!(
        generate(&app.store, size, app.clock.now_ms())
            .await
            .unwrap()
            .is_none(),
        "a second run is refused"
    );
}

on_both_databases!(generated_people_sign_in_and_read_their_threads);
