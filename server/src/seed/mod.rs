//! `seed-demo`: the demo practice people of SPEC 5, safe to run any number of times. The phone
//! numbers are in the 555-01XX range reserved for fiction. `records` gives them record items
//! and `pdf` the one document they need.

mod pdf;
mod records;
pub use pdf::demo_pdf;
pub use records::seed_records;

use crate::error::AppResult;
use crate::practice::{self, Caller};
use crate::store::{accounts, contacts, Store};
use wire::api::{GuardianInput, Language, LinkStatus, PatientInput, PracticeInput, Relationship};
use wire::messages::SenderKind;
use wire::{DateOfBirth, PhoneNumber};

pub struct DemoPerson {
    pub role: &'static str,
    pub name: &'static str,
    pub phone: &'static str,
    /// The date of birth the person types to verify: the patient's.
    pub dob: &'static str,
    pub practice: &'static str,
}

struct DemoPractice {
    slug: &'static str,
    name: &'static str,
    phone: &'static str,
    time_zone: &'static str,
    asks_dependent_sex: bool,
}

const LAKESIDE: DemoPractice = DemoPractice {
    slug: "lakeside",
    name: "Lakeside Family Medicine",
    phone: "(972) 555-0100",
    time_zone: "America/Chicago",
    asks_dependent_sex: false,
};
const RIVERBEND: DemoPractice = DemoPractice {
    slug: "riverbend",
    name: "Riverbend Pediatrics",
    phone: "(214) 555-0199",
    time_zone: "America/New_York",
    asks_dependent_sex: true,
};

struct DemoPatient {
    external_id: &'static str,
    practice: &'static DemoPractice,
    first: &'static str,
    last: &'static str,
    dob: &'static str,
    own_phone: Option<&'static str>,
    language: Language,
}

const PATIENTS: &[DemoPatient] = &[
    DemoPatient {
        external_id: "demo-maria-lopez",
        practice: &LAKESIDE,
        first: "Maria",
        last: "Lopez",
        dob: "1985-04-12",
        own_phone: Some("(972) 555-0101"),
        language: Language::Es,
    },
    DemoPatient {
        external_id: "demo-james-carter",
        practice: &LAKESIDE,
        first: "James",
        last: "Carter",
        dob: "1982-11-05",
        own_phone: Some("(972) 555-0102"),
        language: Language::En,
    },
    DemoPatient {
        external_id: "demo-lily-carter",
        practice: &LAKESIDE,
        first: "Lily",
        last: "Carter",
        dob: "2016-09-03",
        own_phone: None,
        language: Language::En,
    },
    DemoPatient {
        external_id: "demo-noah-carter",
        practice: &RIVERBEND,
        first: "Noah",
        last: "Carter",
        dob: "2019-01-25",
        own_phone: None,
        language: Language::En,
    },
    DemoPatient {
        external_id: "demo-robert-kim",
        practice: &LAKESIDE,
        first: "Robert",
        last: "Kim",
        dob: "1941-06-30",
        own_phone: None,
        language: Language::En,
    },
];

/// The practice message waiting for Maria Lopez (she prefers Spanish).
const WELCOME_MARIA: &str = "Bienvenida al portal de pacientes de Lakeside Family Medicine. Puede escribirnos aquí y le responderemos en horario de consulta.";

/// The e-mail address on file for Lily and Noah Carter.
pub const FAMILY_EMAIL: &str = "carter.family@example.com";

/// Who acts for whom beyond `self`: (phone, patient external id, relationship).
const GUARDIAN_PHONE: &str = "(972) 555-0102";
const CAREGIVER_PHONE: &str = "(972) 555-0103";

pub const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        role: "self patient",
        name: "Maria Lopez",
        phone: "(972) 555-0101",
        dob: "1985-04-12",
        practice: "Lakeside Family Medicine",
    },
    DemoPerson {
        role: "self patient",
        name: "James Carter",
        phone: "(972) 555-0102",
        dob: "1982-11-05",
        practice: "Lakeside Family Medicine",
    },
    DemoPerson {
        role: "guardian of Lily Carter",
        name: "James Carter",
        phone: "(972) 555-0102",
        dob: "2016-09-03",
        practice: "Lakeside Family Medicine",
    },
    DemoPerson {
        role: "guardian of Noah Carter",
        name: "James Carter",
        phone: "(972) 555-0102",
        dob: "2019-01-25",
        practice: "Riverbend Pediatrics",
    },
    DemoPerson {
        role: "caregiver of Robert Kim",
        name: "Grace Kim",
        phone: "(972) 555-0103",
        dob: "1941-06-30",
        practice: "Lakeside Family Medicine",
    },
];

fn phone(s: &str) -> PhoneNumber {
    PhoneNumber::parse(s).expect("demo phone numbers are valid")
}

pub async fn seed(store: &Store, now: i64) -> AppResult<()> {
    let caller = Caller::cli();
    for p in [&LAKESIDE, &RIVERBEND] {
        let input = PracticeInput {
            slug: p.slug.into(),
            name: p.name.into(),
            phone: phone(p.phone),
            time_zone: p.time_zone.into(),
            asks_dependent_sex: p.asks_dependent_sex,
        };
        practice::practices::upsert(store, &caller, &input, now).await?;
    }
    let mut ids = std::collections::HashMap::new();
    for d in PATIENTS {
        let input = PatientInput {
            first_name: d.first.into(),
            last_name: d.last.into(),
            dob: DateOfBirth::try_from(d.dob.to_owned()).expect("demo dates are valid"),
            mobile_phone: d.own_phone.map(phone),
            // The children's e-mail on file is the family's, so access links for both reach the
            // parent's inbox (the demo journey: the practice issues links for two children).
            email: Some(match d.external_id {
                "demo-lily-carter" | "demo-noah-carter" => FAMILY_EMAIL.to_owned(),
                _ => format!(
                    "{}.{}@example.com",
                    d.first.to_lowercase(),
                    d.last.to_lowercase()
                ),
            }),
            preferred_language: d.language,
            external_id: Some(d.external_id.into()),
        };
        let (patient, _) =
            practice::patients::create(store, &caller, d.practice.slug, &input, now).await?;
        ids.insert(d.external_id, (patient.id, d.practice.slug));
    }
    for child in ["demo-lily-carter", "demo-noah-carter"] {
        let (id, slug) = &ids[child];
        crate::contacts::add_guardian(
            store,
            &caller,
            slug,
            id,
            &GuardianInput {
                phone: phone(GUARDIAN_PHONE),
            },
            now,
        )
        .await?;
    }
    // Maria (who prefers Spanish) has a welcome message from Lakeside waiting, unread.
    let (maria, _) = &ids["demo-maria-lopez"];
    let lakeside = store
        .practice_by_slug(LAKESIDE.slug)
        .await?
        .expect("the demo practice was just created");
    let has_practice_message = store
        .messages_for_patient(&lakeside.id, maria)
        .await?
        .iter()
        .any(|m| m.sender_kind == SenderKind::Practice);
    if !has_practice_message {
        let conversation =
            crate::messaging::practice::start(store, &caller, LAKESIDE.slug, maria, now).await?;
        crate::messaging::practice::reply(
            store,
            &caller,
            LAKESIDE.slug,
            &conversation.id,
            &wire::messages::ReplyRequest {
                body: WELCOME_MARIA.into(),
                author: None,
            },
            now,
        )
        .await?;
    }
    // The caregiver's link normally comes from redeeming a medical access link; the demo makes it directly.
    let (robert, _) = &ids["demo-robert-kim"];
    let mut tx = store.begin().await?;
    let account = accounts::account_for_phone(&mut tx, phone(CAREGIVER_PHONE).e164(), now).await?;
    if contacts::link_for(&mut tx, &account, robert)
        .await?
        .is_none()
    {
        contacts::insert_link(
            &mut tx,
            &account,
            robert,
            Relationship::Linked,
            LinkStatus::Active,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub fn table() -> String {
    let mut out = String::from("Demo people: sign in with the phone number, then verify with the patient's date of birth.\n\n");
    out.push_str(&format!(
        "{:<26} {:<14} {:<16} {:<14} {}\n",
        "ROLE", "NAME", "PHONE", "DATE OF BIRTH", "PRACTICE"
    ));
    for p in PEOPLE {
        out.push_str(&format!(
            "{:<26} {:<14} {:<16} {:<14} {}\n",
            p.role, p.name, p.phone, p.dob, p.practice
        ));
    }
    out
}
