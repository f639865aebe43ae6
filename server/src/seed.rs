//! `seed-demo`: the demo practice people of SPEC 5, safe to run any number of times. The phone
//! numbers are in the 555-01XX range reserved for fiction.

use crate::error::AppResult;
use crate::practice::{self, Caller};
use crate::store::{accounts, Store};
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
        practice::guardians::add(
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
            practice::conversations::start(store, &caller, LAKESIDE.slug, maria, now).await?;
        practice::conversations::reply(
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
    if accounts::link_for(&mut tx, &account, robert)
        .await?
        .is_none()
    {
        accounts::insert_link(
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

/// A small one-page PDF with the given lines of text, made here so the demo needs no file.
pub fn demo_pdf(lines: &[&str]) -> Vec<u8> {
    let escape = |t: &str| {
        t.chars()
            .filter(|c| c.is_ascii() && !c.is_ascii_control())
            .collect::<String>()
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)")
    };
    let mut content = String::from("BT /F1 14 Tf 72 740 Td 18 TL\n");
    for line in lines {
        content.push_str(&format!("({}) Tj T*\n", escape(line)));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Record items for the demo people (appointments upcoming and past, a treatment plan, forms and
/// a PDF document). Safe to repeat: items carry external ids, and the document is added once.
/// Appointment times move with the day the demo is seeded, so "upcoming" stays upcoming.
pub async fn seed_records(state: &crate::state::AppState) -> AppResult<()> {
    use wire::records::{
        AppointmentInput, AppointmentStatus, FormInput, FormStatus, TreatmentPlanInput,
    };
    let caller = Caller::cli();
    let store = &state.store;
    // Appointments on the hour, days from today, in the practice's zone.
    let at = |tz: &str, days: i64, hour: u32| -> String {
        let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
        let today = chrono::DateTime::from_timestamp_millis(state.clock.now_ms())
            .unwrap_or_default()
            .with_timezone(&tz)
            .date_naive();
        let day = today + chrono::Duration::days(days);
        day.and_hms_opt(hour, 0, 0)
            .and_then(|t| t.and_local_timezone(tz).earliest())
            .map(|t| t.to_rfc3339())
            .unwrap_or_default()
    };
    struct Appt {
        patient: &'static str,
        practice: &'static DemoPractice,
        ext: &'static str,
        days: i64,
        hour: u32,
        minutes: u32,
        location: &'static str,
        with_whom: &'static str,
        status: AppointmentStatus,
    }
    let appointments = [
        Appt {
            patient: "demo-maria-lopez",
            practice: &LAKESIDE,
            ext: "demo-appt-maria-1",
            days: 6,
            hour: 10,
            minutes: 30,
            location: "Lakeside Family Medicine, Room 3",
            with_whom: "Dr. Ann Lee",
            status: AppointmentStatus::Confirmed,
        },
        Appt {
            patient: "demo-maria-lopez",
            practice: &LAKESIDE,
            ext: "demo-appt-maria-0",
            days: -40,
            hour: 9,
            minutes: 20,
            location: "Lakeside Family Medicine, Room 1",
            with_whom: "Dr. Ann Lee",
            status: AppointmentStatus::Completed,
        },
        Appt {
            patient: "demo-james-carter",
            practice: &LAKESIDE,
            ext: "demo-appt-james-1",
            days: 20,
            hour: 8,
            minutes: 30,
            location: "Lakeside Family Medicine, Room 2",
            with_whom: "Dr. Omar Haddad",
            status: AppointmentStatus::Scheduled,
        },
        Appt {
            patient: "demo-lily-carter",
            practice: &LAKESIDE,
            ext: "demo-appt-lily-1",
            days: 3,
            hour: 15,
            minutes: 30,
            location: "Lakeside Family Medicine, Room 2",
            with_whom: "Dr. Ann Lee",
            status: AppointmentStatus::Scheduled,
        },
        Appt {
            patient: "demo-lily-carter",
            practice: &LAKESIDE,
            ext: "demo-appt-lily-0",
            days: -90,
            hour: 11,
            minutes: 30,
            location: "Lakeside Family Medicine, Room 2",
            with_whom: "Dr. Ann Lee",
            status: AppointmentStatus::Completed,
        },
        Appt {
            patient: "demo-noah-carter",
            practice: &RIVERBEND,
            ext: "demo-appt-noah-1",
            days: 9,
            hour: 9,
            minutes: 30,
            location: "Riverbend Pediatrics, 2nd floor",
            with_whom: "Dr. Priya Shah",
            status: AppointmentStatus::Scheduled,
        },
        Appt {
            patient: "demo-robert-kim",
            practice: &LAKESIDE,
            ext: "demo-appt-robert-1",
            days: 2,
            hour: 14,
            minutes: 45,
            location: "Lakeside Family Medicine, Room 4",
            with_whom: "Dr. Omar Haddad",
            status: AppointmentStatus::Confirmed,
        },
        Appt {
            patient: "demo-robert-kim",
            practice: &LAKESIDE,
            ext: "demo-appt-robert-0",
            days: -14,
            hour: 10,
            minutes: 45,
            location: "Lakeside Family Medicine, Room 4",
            with_whom: "Dr. Omar Haddad",
            status: AppointmentStatus::Completed,
        },
    ];
    let patient_id = |external_id: &str, practice: &'static DemoPractice| {
        let external_id = external_id.to_owned();
        async move {
            let p = store
                .practice_by_slug(practice.slug)
                .await?
                .expect("seeded practice");
            let patient = store
                .patient_by_external_id(&p.id, &external_id)
                .await?
                .expect("seeded patient");
            Ok::<_, crate::error::AppError>(patient.id)
        }
    };
    for a in &appointments {
        let id = patient_id(a.patient, a.practice).await?;
        practice::records::publish_appointment(
            state,
            &caller,
            a.practice.slug,
            &id,
            &AppointmentInput {
                starts_at: at(a.practice.time_zone, a.days, a.hour),
                duration_minutes: a.minutes,
                location: a.location.into(),
                with_whom: a.with_whom.into(),
                status: a.status,
                external_id: Some(a.ext.into()),
            },
        )
        .await?;
    }
    for (patient, ext, title, body) in [
        ("demo-robert-kim", "demo-plan-robert", "Blood pressure plan", "Take lisinopril 10 mg each morning.\nWalk 20 minutes a day.\nCheck your blood pressure on Mondays and write it down.\nCall us if it is over 160/100."),
        ("demo-maria-lopez", "demo-plan-maria", "Plan para la alergia", "Tome loratadina 10 mg cada mañana durante la temporada de polen.\nLlámenos si tiene dificultad para respirar."),
    ] {
        let id = patient_id(patient, &LAKESIDE).await?;
        practice::records::publish_plan(
            state,
            &caller,
            LAKESIDE.slug,
            &id,
            &TreatmentPlanInput {
                title: title.into(),
                body: body.into(),
                external_id: Some(ext.into()),
            },
        )
        .await?;
    }
    for (patient, practice_, ext, title, status, due) in [
        (
            "demo-maria-lopez",
            &LAKESIDE,
            "demo-form-maria-1",
            "Health history",
            FormStatus::Assigned,
            Some(7),
        ),
        (
            "demo-maria-lopez",
            &LAKESIDE,
            "demo-form-maria-2",
            "Privacy notice",
            FormStatus::Completed,
            None,
        ),
        (
            "demo-lily-carter",
            &LAKESIDE,
            "demo-form-lily-1",
            "School sports physical",
            FormStatus::InProgress,
            Some(3),
        ),
        (
            "demo-noah-carter",
            &RIVERBEND,
            "demo-form-noah-1",
            "Vaccine consent",
            FormStatus::Assigned,
            Some(9),
        ),
        (
            "demo-robert-kim",
            &LAKESIDE,
            "demo-form-robert-1",
            "Fall risk questionnaire",
            FormStatus::Assigned,
            Some(2),
        ),
    ] {
        let id = patient_id(patient, practice_).await?;
        let due_date = due.map(|days: i64| {
            (chrono::DateTime::from_timestamp_millis(state.clock.now_ms()).unwrap_or_default()
                + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
        });
        practice::records::publish_form(
            state,
            &caller,
            practice_.slug,
            &id,
            &FormInput {
                title: title.into(),
                status,
                due_date,
                external_id: Some(ext.into()),
            },
        )
        .await?;
    }
    for (patient, title, file_name, lines) in [
        (
            "demo-robert-kim",
            "Lab results",
            "lab-results.pdf",
            &[
                "Lakeside Family Medicine",
                "Lab results for Robert Kim (demo)",
                "Cholesterol: 182 mg/dL (normal)",
                "A1C: 5.6 % (normal)",
            ][..],
        ),
        (
            "demo-maria-lopez",
            "Resultados de laboratorio",
            "resultados.pdf",
            &[
                "Lakeside Family Medicine",
                "Resultados de Maria Lopez (demo)",
                "Hemoglobina: 13.5 g/dL (normal)",
            ][..],
        ),
    ] {
        let id = patient_id(patient, &LAKESIDE).await?;
        if store.documents(&id).await?.iter().any(|d| d.title == title) {
            continue;
        }
        let date = chrono::DateTime::from_timestamp_millis(state.clock.now_ms())
            .unwrap_or_default()
            .format("%Y-%m-%d")
            .to_string();
        let bytes = bytes::Bytes::from(demo_pdf(lines));
        practice::records::publish_document(
            state,
            &caller,
            LAKESIDE.slug,
            &id,
            &practice::records::DocumentMeta {
                title,
                date: &date,
                file_name,
                content_type: "application/pdf",
            },
            futures_util::stream::iter([Ok::<_, std::io::Error>(bytes)]),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_pdf_is_a_pdf() {
        let pdf = super::demo_pdf(&["Hello (world)"]);
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8(pdf).unwrap();
        assert!(text.contains("(Hello \\(world\\)) Tj"));
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[xref..].starts_with("xref"));
    }
}
