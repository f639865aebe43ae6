//! Whom the person is acting for (SPEC 3.2): the patient chosen from a practice's list, kept in
//! context for the bar at the top of every patient page, and in `sessionStorage` so a reload
//! keeps it (the tab's storage ends with the tab; sign-out clears it).

use crate::session::{now, Session};
use leptos::prelude::*;
use wire::{
    api::LinkStatus,
    auth::PracticeSummary,
    patients::{GuardianDetails, PatientSummary},
};

/// The `sessionStorage` key of the chosen patient.
const STORAGE_KEY: &str = "portal.patient";

/// The chosen patient and the steps of its date-of-birth check. `Copy`: every field is a signal.
#[derive(Debug, Clone, Copy)]
pub struct Current {
    /// The practice's slug and the patient, as listed there.
    pub patient: RwSignal<Option<(String, PatientSummary)>>,
    /// A guardian's own details, asked on the page before the patient's date of birth.
    pub guardian: RwSignal<Option<GuardianDetails>>,
    /// When the check's lock ends, on [`now`]'s clock.
    pub lock_until: RwSignal<Option<f64>>,
}

impl Current {
    /// Creates the state from this tab's storage and provides it to the app.
    pub fn provide() -> Self {
        let stored = storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok());
        let current = Current {
            patient: RwSignal::new(None),
            guardian: RwSignal::new(None),
            lock_until: RwSignal::new(None),
        };
        if let Some((slug, patient)) = stored {
            current.choose(slug, patient);
        }
        provide_context(current);
        current
    }

    /// The person chose `patient` at the practice `slug`.
    pub fn choose(self, slug: String, patient: PatientSummary) {
        if let Some(storage) = storage() {
            let _ = storage.set_item(
                STORAGE_KEY,
                &serde_json::to_string(&(&slug, &patient)).unwrap_or_default(),
            );
        }
        let changed = self
            .patient
            .with_untracked(|p| p.as_ref().is_none_or(|(_, p)| p.id != patient.id));
        if changed {
            self.guardian.set(None);
        }
        self.lock_until.set(
            patient
                .locked_seconds_left
                .filter(|_| patient.status == LinkStatus::Locked)
                .map(|s| now() + s as f64),
        );
        self.patient.set(Some((slug, patient)));
    }

    /// Updates the chosen patient (after a check, say).
    pub fn update(self, change: impl FnOnce(&mut PatientSummary)) {
        if let Some((slug, mut patient)) = self.patient.get_untracked() {
            change(&mut patient);
            self.choose(slug, patient);
        }
    }

    /// Forgets the choice (sign-out: the next person at this device starts afresh), and
    /// everything else this tab kept: message drafts and unsent messages too.
    pub fn forget(self) {
        if let Some(storage) = storage() {
            // Except the page to come back to after signing in (an access link).
            let back = storage.get_item(crate::session::RETURN_KEY).ok().flatten();
            let _ = storage.clear();
            if let Some(back) = back {
                let _ = storage.set_item(crate::session::RETURN_KEY, &back);
            }
        }
        self.patient.set(None);
        self.guardian.set(None);
        self.lock_until.set(None);
    }

    /// The chosen patient's practice, from the session (not reactive).
    pub fn practice(self, session: Session) -> Option<PracticeSummary> {
        let slug = self
            .patient
            .with_untracked(|p| p.as_ref().map(|(slug, _)| slug.clone()))?;
        session.practice(&slug)
    }

    /// The chosen patient's first name, or "" (reactive).
    pub fn first_name(self) -> String {
        self.patient.with(|p| {
            p.as_ref()
                .map(|(_, p)| p.first_name.clone())
                .unwrap_or_default()
        })
    }
}

pub fn storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// The app's [`Current`]; panics outside the app, which is a programming error.
pub fn use_current() -> Current {
    expect_context::<Current>()
}
