//! One patient to choose (SPEC 3.2): name, relationship, born (to tell apart two of one
//! name), whether the date of birth is checked, in words beside an icon, and unread messages.
//! The practice's patient list and the overview draw their rows with it.

use crate::{
    current_patient::Current,
    format::unread_words,
    i18n::{tr, tr_with, Strings},
};
use leptos::prelude::*;
use wire::{
    api::{LinkStatus, Relationship},
    patients::PatientSummary,
};

/// One patient to choose; `href` instead of the next step, and `extra` lines under the badge
/// (the overview's practice and next appointment).
pub fn patient_choice(
    slug: String,
    patient: PatientSummary,
    current: Current,
    href: Option<String>,
    extra: AnyView,
) -> impl IntoView {
    let relationship: fn(&'static Strings) -> &'static str = match patient.relationship {
        Relationship::Self_ => |t| t.rel_self,
        Relationship::Guardian => |t| t.rel_guardian,
        Relationship::Linked => |t| t.rel_linked,
    };
    let (class, icon, badge): (_, _, fn(&'static Strings) -> &'static str) =
        match (patient.status, patient.verified) {
            (LinkStatus::Locked, _) => ("badge badge-locked", "✕", |t| t.badge_locked),
            (_, true) => ("badge badge-ok", "✓", |t| t.badge_verified),
            _ => ("badge", "!", |t| t.badge_needs_check),
        };
    let born = patient
        .birth_month_year
        .clone()
        .map(|date| tr_with(|t, date| t.born.replace("{date}", date), date));
    let unread = patient.unread_count;
    // Straight to what comes next: the patient's page once checked, else the check (a
    // guardian's first time starts with their own details) or the lock.
    let next = match (patient.status, patient.verified) {
        (LinkStatus::Locked, _) => "/locked",
        (_, true) => "",
        (LinkStatus::PendingActivation, _) => "/activate",
        _ => "/verify",
    };
    let href = href.unwrap_or_else(|| format!("/patients/{}{next}", patient.id));
    let name = format!("{} {}", patient.first_name, patient.last_name);
    view! {
        <li>
            <a href=href on:click=move |_| current.choose(slug.clone(), patient.clone())>
                <span class="choice-name">{name}</span>
                <span class="choice-detail">
                    {tr(relationship)}
                    {born.map(|born| view! { " · " {born} })}
                </span>
                <span class=class>
                    <span aria-hidden="true">{icon}" "</span>
                    {tr(badge)}
                </span>
                {(unread > 0)
                    .then(|| {
                        view! {
                            <span class="unread">
                                {tr_with(unread_words, unread.to_string())}
                            </span>
                        }
                    })}
                {extra}
            </a>
        </li>
    }
}
