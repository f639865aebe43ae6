//! Contacts: a patient's own mobile number is a self contact, guardians are added once and wait
//! for activation.

use super::{get, lily, post, send, with_practice};
use crate::helpers;
use helpers::Db;
use serde_json::json;
use wire::api::{ApiError, ContactLink, LinkStatus, Patient, Relationship};

async fn own_mobile_number_makes_a_self_contact(db: Db) {
    let (app, admin) = with_practice(db).await;
    let body = json!({"first_name": "Maria", "last_name": "Lopez", "dob": "1985-04-12", "mobile_phone": "972-555-0101"});
    let maria: Patient = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients",
        body.clone(),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!(
        "/api/practice/practices/lakeside/patients/{}/contacts",
        maria.id
    );
    let contacts: Vec<ContactLink> = get(&app, &admin, &path).await.json().await.unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].relationship, Relationship::Self_);
    assert_eq!(contacts[0].status, LinkStatus::Active);
    assert_eq!(contacts[0].phone.e164(), "+19725550101");

    // A new number replaces the old one: the old number can no longer act as the patient.
    let mut changed = body;
    changed["mobile_phone"] = json!("972-555-0111");
    let put = format!("/api/practice/practices/lakeside/patients/{}", maria.id);
    assert_eq!(
        send(&app, reqwest::Method::PUT, &admin, &put, Some(changed))
            .await
            .status(),
        200
    );
    let contacts: Vec<ContactLink> = get(&app, &admin, &path).await.json().await.unwrap();
    let status = |phone: &str| {
        contacts
            .iter()
            .find(|c| c.phone.e164() == phone)
            .map(|c| c.status)
    };
    assert_eq!(status("+19725550101"), Some(LinkStatus::Revoked));
    assert_eq!(status("+19725550111"), Some(LinkStatus::Active));
}

async fn guardians_are_added_once_and_wait_for_activation(db: Db) {
    let (app, admin) = with_practice(db).await;
    let lily: Patient = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients",
        lily(),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!(
        "/api/practice/practices/lakeside/patients/{}/guardians",
        lily.id
    );
    let r = post(&app, &admin, &path, json!({"phone": "+1 972 555 0102"})).await;
    assert_eq!(r.status(), 201);
    let link: ContactLink = r.json().await.unwrap();
    assert_eq!(link.relationship, Relationship::Guardian);
    assert_eq!(link.status, LinkStatus::PendingActivation);
    assert!(link.dob_verified_at.is_none());

    let r = post(&app, &admin, &path, json!({"phone": "(972) 555-0102"})).await;
    assert_eq!(r.status(), 200, "adding again changes nothing");
    assert_eq!(r.json::<ContactLink>().await.unwrap().id, link.id);

    let r = post(&app, &admin, &path, json!({"phone": "not a phone"})).await;
    assert_eq!(r.status(), 422);
    let r = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients/nope/guardians",
        json!({"phone": "(972) 555-0102"}),
    )
    .await;
    assert_eq!(r.status(), 404);

    // A patient's own number cannot also be added as their guardian.
    let adult = json!({"first_name": "Maria", "last_name": "Lopez", "dob": "1985-04-12", "mobile_phone": "972-555-0101"});
    let maria: Patient = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients",
        adult,
    )
    .await
    .json()
    .await
    .unwrap();
    let r = post(
        &app,
        &admin,
        &format!(
            "/api/practice/practices/lakeside/patients/{}/guardians",
            maria.id
        ),
        json!({"phone": "972-555-0101"}),
    )
    .await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<ApiError>().await.unwrap().error.as_str(),
        "already_linked"
    );
}

on_both_databases!(
    own_mobile_number_makes_a_self_contact,
    guardians_are_added_once_and_wait_for_activation,
);
