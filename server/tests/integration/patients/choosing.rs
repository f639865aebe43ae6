//! The list of patients to choose from at a practice (SPEC 3.2): relationships, badges and the
//! date hints that tell namesakes apart.

use super::{code, date, family, james_details, list, verify};
use crate::helpers;
use helpers::people::{call, get, sign_in, JAMES, MARIA};
use helpers::{spawn, Db};
use wire::api::{LinkStatus, Relationship};

async fn the_list_has_self_dependents_and_linked_with_badges(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let oak = list(&app, &james, "oak").await;
    let names: Vec<_> = oak
        .iter()
        .map(|p| (p.first_name.as_str(), p.last_name.as_str(), p.relationship))
        .collect();
    assert_eq!(
        names,
        [
            ("James", "Carter", Relationship::Self_),
            ("Lily", "Carter", Relationship::Guardian),
            ("Lily", "Moss", Relationship::Guardian),
            ("Robert", "Kim", Relationship::Linked),
        ],
        "self first, then by first name"
    );
    assert_eq!(oak[0].status, LinkStatus::Active);
    assert_eq!(oak[1].status, LinkStatus::PendingActivation);
    assert_eq!(oak[3].status, LinkStatus::Active);
    assert!(oak.iter().all(|p| !p.verified && p.unread_count == 0));
    assert!(
        oak.iter().all(|p| p.birth_month_year.is_none()),
        "no date hints before verification"
    );
    assert_eq!(oak[1].id, ids.lily);

    // Verifying Lily Carter shows her month/year (a namesake is in the list), not Lily Moss's.
    let (status, body) = verify(
        &app,
        &james,
        &ids.lily,
        date("9", "3", "2016"),
        Some(james_details()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let oak = list(&app, &james, "oak").await;
    assert!(oak[1].verified);
    assert_eq!(oak[1].status, LinkStatus::Active);
    assert_eq!(oak[1].birth_month_year.as_deref(), Some("09/2016"));
    assert_eq!(oak[2].birth_month_year, None);
    assert!(!oak[2].verified);
    // James is verified but has no namesake: no hint.
    verify(&app, &james, &ids.james, date("11", "05", "1982"), None).await;
    let oak = list(&app, &james, "oak").await;
    assert!(oak[0].verified);
    assert_eq!(oak[0].birth_month_year, None);

    let elm = list(&app, &james, "elm").await;
    assert_eq!(elm.len(), 1);
    assert_eq!(elm[0].id, ids.noah);

    // Maria acts for no one at elm, and nobody has a practice called "nowhere".
    let maria = sign_in(&app, MARIA).await;
    assert_eq!(list(&app, &maria, "oak").await.len(), 1);
    let (status, body) = get(&app, "/api/practices/elm/patients", &maria).await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    let (status, _) = get(&app, "/api/practices/nowhere/patients", &maria).await;
    assert_eq!(status, 404);
    let (status, body) = call(&app, "get", "/api/practices/oak/patients", None, None).await;
    assert_eq!((status, code(&body)), (401, "signed_out"));
    let _ = ids.robert;
}

on_both_databases!(the_list_has_self_dependents_and_linked_with_badges,);
