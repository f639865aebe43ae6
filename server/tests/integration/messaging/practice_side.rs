//! The practice's side: staff-only notes, assigning and closing, the inbox's order, another
//! practice refused, and the same from the command line.

use super::{
    conversation_of, inbox, minutes, practice_thread, reply, send, thread, unread_in_list,
};
use crate::helpers;
use helpers::people::*;
use helpers::{spawn, Db};
use serde_json::{json, Value};

async fn staff_only_notes_never_reach_the_patient_side(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let maria = sign_in(&app, MARIA).await;
    // Two wrong dates of birth lock Maria's link and leave a staff-only note for the practice.
    for _ in 0..2 {
        call(
            &app,
            "post",
            &format!("/api/patients/{}/verify-dob", f.maria),
            Some(&maria),
            Some(json!({"dob": date("1985-04-13")})),
        )
        .await;
    }
    app.clock.advance(minutes(61));
    let maria = sign_in(&app, MARIA).await;
    verify(&app, &maria, &f.maria, "1985-04-12", None).await;
    let c = conversation_of(&app, &token, &f.maria).await;
    reply(&app, &token, &c, json!({"body": "Hello Maria"})).await;
    let pt = practice_thread(&app, &token, &c).await;
    let notes: Vec<&Value> = pt["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["visible_to_patient"] == false)
        .collect();
    assert_eq!(notes.len(), 1, "{pt}");
    assert_eq!(notes[0]["sender"], "system");

    let t = thread(&app, &maria, &f.maria).await;
    let messages = t["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{t}");
    assert_eq!(messages[0]["body"], "Hello Maria");
    assert_eq!(t["unread_count"], 1, "the note does not count either");
    assert_eq!(unread_in_list(&app, &maria, &f.maria).await, 1);
}

async fn assign_close_and_a_patient_message_reopens(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    send(&app, &james, &f.lily, "Question", "key-question").await;
    let c = inbox(&app, &token, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = |action: &str| format!("/api/practice/practices/oak/conversations/{c}/{action}");
    let (status, s) = practice_call(
        &app,
        "post",
        &path("assign"),
        &token,
        Some(json!({"assignee": "Front desk"})),
    )
    .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(
        (s["status"].as_str(), s["assigned_to"].as_str()),
        (Some("assigned"), Some("Front desk"))
    );
    let (status, s) = practice_call(
        &app,
        "post",
        &path("assign"),
        &token,
        Some(json!({"assignee": "  "})),
    )
    .await;
    assert_eq!((status, s["field"].as_str()), (422, Some("assignee")));
    let (status, s) = practice_call(&app, "post", &path("close"), &token, None).await;
    assert_eq!((status, s["status"].as_str()), (200, Some("closed")));
    assert_eq!(thread(&app, &james, &f.lily).await["status"], "closed");
    send(&app, &james, &f.lily, "One more question", "key-question-2").await;
    let t = thread(&app, &james, &f.lily).await;
    assert_eq!(
        t["status"], "assigned",
        "reopened, to the person it was assigned to"
    );
    let actions = audit_actions(&app, &f.lily).await;
    for a in [
        "practice.conversation.assign",
        "practice.conversation.close",
    ] {
        assert!(actions.contains(&a.to_owned()), "{a}");
    }

    // Never assigned: back to the Unassigned inbox.
    let maria = sign_in(&app, MARIA).await;
    verify(&app, &maria, &f.maria, "1985-04-12", None).await;
    send(&app, &maria, &f.maria, "Hola", "key-hola-01").await;
    let c2 = conversation_of(&app, &token, &f.maria).await;
    oak_call(
        &app,
        &token,
        "post",
        &format!("conversations/{c2}/close"),
        None,
    )
    .await;
    send(&app, &maria, &f.maria, "¿Hola?", "key-hola-02").await;
    assert_eq!(thread(&app, &maria, &f.maria).await["status"], "unassigned");
}

async fn the_inbox_lists_unassigned_first_then_newest(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    let maria = sign_in(&app, MARIA).await;
    verify(&app, &maria, &f.maria, "1985-04-12", None).await;
    // Robert: started by the practice, assigned. Lily: oldest unassigned. Maria: newest unassigned.
    let robert = conversation_of(&app, &token, &f.robert).await;
    reply(
        &app,
        &token,
        &robert,
        json!({"body": "Robert's refill is ready."}),
    )
    .await;
    oak_call(
        &app,
        &token,
        "post",
        &format!("conversations/{robert}/assign"),
        Some(json!({"assignee": "Nurse Joy"})),
    )
    .await;
    app.clock.advance(minutes(1));
    send(&app, &james, &f.lily, "First", "key-first-01").await;
    app.clock.advance(minutes(1));
    send(&app, &maria, &f.maria, "Second", "key-second-1").await;
    app.clock.advance(minutes(1));
    reply(
        &app,
        &token,
        &robert,
        json!({"body": "Newest, but assigned."}),
    )
    .await;
    let names: Vec<String> = inbox(&app, &token, "")
        .await
        .iter()
        .map(|c| c["patient_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Maria Lopez", "Lily Carter", "Robert Kim"]);
    let only: Vec<Value> = inbox(&app, &token, "?status=assigned").await;
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["patient_name"], "Robert Kim");
    let maria_c = &inbox(&app, &token, "?status=unassigned").await[0];
    assert_eq!(maria_c["unread_count"], 1);
    assert!(maria_c["last_message_at"].is_string());
    assert!(inbox(&app, &token, "?offset=3").await.is_empty());
}

async fn another_practice_gets_404(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let oak = app.token(Some("oak")).await;
    let elm = app.token(Some("elm")).await;
    let c = conversation_of(&app, &oak, &f.lily).await;
    for (method, path, body) in [
        (
            "get",
            "/api/practice/practices/oak/conversations".to_owned(),
            None,
        ),
        (
            "get",
            format!("/api/practice/practices/oak/conversations/{c}"),
            None,
        ),
        (
            "post",
            format!("/api/practice/practices/oak/conversations/{c}/messages"),
            Some(json!({"body": "x"})),
        ),
        (
            "post",
            format!("/api/practice/practices/oak/conversations/{c}/assign"),
            Some(json!({"assignee": "x"})),
        ),
        (
            "post",
            format!("/api/practice/practices/oak/conversations/{c}/close"),
            None,
        ),
        (
            "post",
            format!(
                "/api/practice/practices/oak/patients/{}/conversation",
                f.lily
            ),
            None,
        ),
        (
            "get",
            "/api/practice/practices/oak/possible-duplicates".to_owned(),
            None,
        ),
        // Its own practice's path with another practice's conversation or patient.
        (
            "get",
            format!("/api/practice/practices/elm/conversations/{c}"),
            None,
        ),
        (
            "post",
            format!(
                "/api/practice/practices/elm/patients/{}/conversation",
                f.lily
            ),
            None,
        ),
    ] {
        let (status, answer) = practice_call(&app, method, &path, &elm, body).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (404, Some("not_found")),
            "{method} {path}"
        );
    }
    let (status, _) = oak_call(&app, "wrong", "get", "conversations", None).await;
    assert_eq!(status, 401);
    assert_eq!(
        practice_thread(&app, &oak, &c).await["messages"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

async fn the_command_line_lists_shows_replies_assigns_and_closes(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    send(&app, &james, &f.lily, "From the portal", "key-portal-1").await;
    let run = |args: &[&str]| app.cli_json(args);
    let listed = run(&["conversations", "list", "--practice", "oak"]);
    let c = listed[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed[0]["patient_name"], "Lily Carter");
    assert_eq!(listed[0]["status"], "unassigned");
    let shown = run(&["conversations", "show", "--practice", "oak", &c]);
    assert_eq!(shown["messages"][0]["body"], "From the portal");
    let replied = run(&[
        "conversations",
        "reply",
        "--practice",
        "oak",
        &c,
        "--body",
        "From the desk",
        "--author",
        "Ann Lee",
    ]);
    assert_eq!(replied["author"], "Ann Lee");
    let t = thread(&app, &james, &f.lily).await;
    assert_eq!(t["messages"][1]["author"], "Ann Lee · Oak Family Medicine");
    let assigned = run(&[
        "conversations",
        "assign",
        "--practice",
        "oak",
        &c,
        "--to",
        "Front desk",
    ]);
    assert_eq!(assigned["status"], "assigned");
    assert_eq!(
        run(&[
            "conversations",
            "list",
            "--practice",
            "oak",
            "--status",
            "unassigned"
        ]),
        json!([])
    );
    let closed = run(&["conversations", "close", "--practice", "oak", &c]);
    assert_eq!(closed["status"], "closed");
    let started = run(&[
        "conversations",
        "start",
        "--practice",
        "oak",
        "--patient",
        &f.maria,
    ]);
    assert_eq!(
        (started["patient_name"].as_str(), started["status"].as_str()),
        (Some("Maria Lopez"), Some("unassigned"))
    );
    assert_eq!(run(&["duplicates", "--practice", "oak"]), json!([]));
    for help in [
        vec!["conversations", "--help"],
        vec!["duplicates", "--help"],
        vec!["conversations", "reply", "--help"],
    ] {
        assert!(!helpers::run_server_ok(&[], &help).is_empty());
    }
}

on_both_databases!(
    staff_only_notes_never_reach_the_patient_side,
    assign_close_and_a_patient_message_reopens,
    the_inbox_lists_unassigned_first_then_newest,
    another_practice_gets_404,
    the_command_line_lists_shows_replies_assigns_and_closes,
);
