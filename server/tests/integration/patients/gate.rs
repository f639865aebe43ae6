//! The authorization gate in front of every patient route: no link is not found, an unverified
//! link must verify first, a locked link is locked.

use super::{code, date, family, james_details, verify};
use crate::helpers;
use helpers::people::{call, get, sign_in, JAMES, MARIA};
use helpers::{spawn, Db};
use portal_server::practice::{self, Caller};
use serde_json::{json, Value};

async fn another_familys_patients_are_not_found(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let maria = sign_in(&app, MARIA).await;
    let (status, unknown) = get(&app, "/api/patients/no-such-patient", &maria).await;
    assert_eq!(status, 404);
    for id in [&ids.james, &ids.lily, &ids.noah] {
        let (status, body) = get(&app, &format!("/api/patients/{id}"), &maria).await;
        assert_eq!(
            (status, &body),
            (404, &unknown),
            "identical to a patient that does not exist"
        );
        let (status, body) = verify(&app, &maria, id, date("11", "5", "1982"), None).await;
        assert_eq!((status, code(&body)), (404, "not_found"));
    }
    // A revoked link is no link: the practice removes James's own number.
    practice::patients::update(
        &app.store,
        &Caller::cli(),
        "oak",
        &ids.james,
        &serde_json::from_value(
            json!({"first_name": "James", "last_name": "Carter", "dob": "1982-11-05"}),
        )
        .unwrap(),
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    let james = sign_in(&app, JAMES).await;
    let (status, _) = verify(&app, &james, &ids.james, date("11", "5", "1982"), None).await;
    assert_eq!(status, 404);
    let (status, _) = get(&app, &format!("/api/patients/{}", ids.james), &james).await;
    assert_eq!(status, 404);
    let _ = ids.maria;
}

/// Walks every patient-scoped route of the OpenAPI document (`/api/patients/{id}…`) and checks
/// the gate's three refusals on each, so a new route cannot forget it.
async fn every_patient_route_is_gated(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let doc: Value = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let full = if path.starts_with("/api/") {
            path.clone()
        } else {
            format!("/api{path}")
        };
        if !(full.starts_with("/api/patients/") && full.contains("{id}")) {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let tags: Vec<&str> = op["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            assert!(
                tags.contains(&"patient"),
                "{method} {full} must be tagged `patient`"
            );
            // JSON bodies carry an example; a raw file body (an upload) gets a few bytes: the
            // gate refuses before the body is read.
            let body = op.get("requestBody").map(|b| {
                let content = &b["content"];
                match content.get("application/json") {
                    Some(json) => json["example"].clone(),
                    None => Value::String("file bytes".into()),
                }
            });
            if let Some(b) = &body {
                assert!(
                    !b.is_null(),
                    "{method} {full}: give the request body an example, the gate test sends it"
                );
            }
            routes.push((method.clone(), full.clone(), body));
        }
    }
    assert!(routes.len() >= 3, "{routes:?}");
    let at = |path: &str, id: &str| {
        let mut p = path.replace("{id}", id);
        while let (Some(a), Some(b)) = (p.find('{'), p.find('}')) {
            p.replace_range(a..=b, "x");
        }
        p
    };

    let maria = sign_in(&app, MARIA).await;
    let james = sign_in(&app, JAMES).await;
    // Lock James's link to Lily Moss.
    verify(
        &app,
        &james,
        &ids.lily_moss,
        date("1", "1", "2018"),
        Some(james_details()),
    )
    .await;
    let (status, _) = verify(
        &app,
        &james,
        &ids.lily_moss,
        date("1", "2", "2018"),
        Some(james_details()),
    )
    .await;
    assert_eq!(status, 423);

    for (method, path, body) in &routes {
        let what = format!("{method} {path}");
        let (status, b) = call(&app, method, &at(path, &ids.lily), None, body.clone()).await;
        assert_eq!((status, code(&b)), (401, "signed_out"), "{what} signed out");
        // (a) no link, or no such patient: 404.
        for id in [&ids.lily, &"no-such-patient".to_owned()] {
            let (status, b) = call(&app, method, &at(path, id), Some(&maria), body.clone()).await;
            assert_eq!(
                (status, code(&b)),
                (404, "not_found"),
                "{what} without a link"
            );
        }
        // (b) a link without a verification: 403 verify_first (verify-dob itself is the way in).
        if !path.ends_with("/verify-dob") {
            for id in [&ids.lily, &ids.james, &ids.robert] {
                let (status, b) =
                    call(&app, method, &at(path, id), Some(&james), body.clone()).await;
                assert_eq!(
                    (status, code(&b)),
                    (403, "verify_first"),
                    "{what} unverified"
                );
            }
        }
        // (c) a locked link: 423.
        let (status, b) = call(
            &app,
            method,
            &at(path, &ids.lily_moss),
            Some(&james),
            body.clone(),
        )
        .await;
        assert_eq!((status, code(&b)), (423, "locked"), "{what} locked");
        assert!(b["retry_after_seconds"].as_u64().unwrap() > 0);
    }
}

on_both_databases!(
    another_familys_patients_are_not_found,
    every_patient_route_is_gated,
);
