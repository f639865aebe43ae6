//! The demo people's record items.

use super::{demo_pdf, DemoPractice, LAKESIDE, RIVERBEND};
use crate::error::AppResult;
use crate::practice::Caller;

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
        crate::records::practice::publish_appointment(
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
        crate::records::practice::publish_plan(
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
        crate::records::practice::publish_form(
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
        crate::records::practice::publish_document(
            state,
            &caller,
            LAKESIDE.slug,
            &id,
            &crate::records::practice::DocumentMeta {
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
