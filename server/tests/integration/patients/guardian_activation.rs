//! A guardian's first verification (SPEC 3.3): their own details are checked and saved, and the
//! pending link becomes active.

use super::{attempts, code, date, family, james_details, verify};
use crate::helpers;
use helpers::people::{audit_actions, get, ok, sign_in, JAMES};
use helpers::{spawn, Db};
use serde_json::json;
use wire::api::LinkStatus;

async fn guardian_activation_saves_the_guardian_and_activates(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let right = || date("9", "3", "2016");
    let (status, body) = verify(&app, &james, &ids.lily, right(), None).await;
    assert_eq!((status, code(&body)), (422, "guardian_details_required"));
    assert_eq!(body["field"], "guardian");
    let too_young =
        json!({"first_name": "James", "last_name": "Carter", "dob": date("1", "1", "2020")});
    for (details, expected, field) in [
        (
            json!({"first_name": "  ", "last_name": "Carter", "dob": date("11", "5", "1982")}),
            "name_empty",
            "guardian.first_name",
        ),
        (
            json!({"first_name": "James", "last_name": "", "dob": date("11", "5", "1982")}),
            "name_empty",
            "guardian.last_name",
        ),
        (
            json!({"first_name": "James", "last_name": "Carter", "dob": date("2", "30", "1982")}),
            "dob_invalid_day",
            "guardian.dob",
        ),
        (too_young, "guardian_too_young", "guardian.dob"),
    ] {
        let (status, body) = verify(&app, &james, &ids.lily, right(), Some(details)).await;
        assert_eq!((status, code(&body)), (422, expected), "{body}");
        assert_eq!(body["field"], field);
    }
    assert_eq!(
        attempts(&app, JAMES, &ids.lily).await,
        0,
        "invalid details are not attempts"
    );
    let (status, body) = verify(&app, &james, &ids.lily, right(), Some(james_details())).await;
    assert_eq!(status, 200, "{body}");
    let (first, last, dob): (Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT first_name, last_name, dob FROM accounts WHERE phone = $1")
            .bind(JAMES)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        (first.as_deref(), last.as_deref(), dob.as_deref()),
        (Some("James"), Some("Carter"), Some("1982-11-05"))
    );
    let contacts = app.store.links_for_patient(&ids.lily).await.unwrap();
    assert_eq!(contacts[0].status, LinkStatus::Active);
    assert!(contacts[0].dob_verified_at.is_some());
    let body = ok(get(&app, &format!("/api/patients/{}", ids.lily), &james).await);
    assert_eq!(body["dob"], "2016-09-03");
    assert_eq!(body["practice_phone"], "+19725550100");
    // Once active, later verifications need no details.
    let james2 = sign_in(&app, JAMES).await;
    let (status, _) = verify(&app, &james2, &ids.lily, right(), None).await;
    assert_eq!(status, 200);
    let actions = audit_actions(&app, &ids.lily).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "guardian.activate").count(),
        1
    );
}

on_both_databases!(guardian_activation_saves_the_guardian_and_activates,);
