//! `/patients/{id}/profile`: the demographics the account may change (SPEC 3.7.2): address,
//! e-mail and preferred language. Behind the date-of-birth check, like the other patient pages.

use super::back_to_patient;
use crate::{
    api,
    components::{
        form::{
            busy_attr, busy_label, report, set_value, value_of, ErrorSummary, FieldError,
            FieldState, Problem,
        },
        load::{failure, load, loading},
        PageTitle,
    },
    current_patient::use_current,
    i18n::{tr, tr_with, Language, Strings},
    session::use_session,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use wire::records::{valid_email, valid_zip, Address, Profile, ProfileUpdate};
use wire::ErrorCode;

type Text = fn(&'static Strings) -> &'static str;

/// The profile's text fields: the page's `id`, the server's field name, label, `autocomplete`,
/// hint.
const FIELDS: [(&str, &str, Text, &str, Option<Text>); 6] = [
    (
        "line1",
        "address.line1",
        |t| t.address_line1_label,
        "address-line1",
        None,
    ),
    (
        "line2",
        "address.line2",
        |t| t.address_line2_label,
        "address-line2",
        None,
    ),
    (
        "city",
        "address.city",
        |t| t.city_label,
        "address-level2",
        None,
    ),
    (
        "state",
        "address.state",
        |t| t.state_label,
        "address-level1",
        Some(|t| t.state_hint),
    ),
    ("zip", "address.zip", |t| t.zip_label, "postal-code", None),
    ("email", "email", |t| t.email_label, "email", None),
];

/// What is wrong with a field's value (the server's rules, checked on submit), if anything.
fn check(field: &'static str, value: &str) -> Option<Problem> {
    let value = value.trim();
    let message: Text = match field {
        _ if value.is_empty() => return None,
        "zip" if !valid_zip(value) => |t| t.zip_invalid,
        "state" if !(value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic())) => {
            |t| t.state_invalid
        }
        "email" if !valid_email(value) => |t| t.email_invalid,
        _ if value.chars().count() > 100 => |t| t.text_too_long,
        _ => return None,
    };
    Some(Problem::Invalid(field, message))
}

/// `/patients/{id}/profile`: address, e-mail and preferred language.
#[component]
pub(super) fn ProfilePage(id: String) -> impl IntoView {
    let current = use_current();
    let profile = load(id.clone(), {
        let id = id.clone();
        async move { api::profile(&id).await }
    });
    let back = back_to_patient(&id);
    view! {
        <PageTitle page=|t| t.profile_link />
        <h1 tabindex="-1">
            {tr_with(
                |t, name| t.profile_heading.replace("{name}", name),
                untrack(|| current.first_name()),
            )}
        </h1>
        {move || match profile.get() {
            None => loading(),
            Some(Err(error)) => failure(error),
            // Drawn once: later answers update the fields, never what is being typed.
            Some(Ok(profile)) => untrack(|| profile_form(id.clone(), profile)).into_any(),
        }}
        {back}
    }
}

/// The six text fields of [`FIELDS`], in their order, as the profile has them.
fn texts_of(profile: Profile) -> [String; 6] {
    let Address {
        line1,
        line2,
        city,
        state,
        zip,
    } = profile.address;
    [line1, line2, city, state, zip, profile.email].map(Option::unwrap_or_default)
}

/// The whole profile as typed (the server records only what changed): an empty field clears it.
fn update_of(typed: [String; 6], language: Language) -> ProfileUpdate {
    let [line1, line2, city, state, zip, email] = typed.map(Some);
    ProfileUpdate {
        address: Some(Address {
            line1,
            line2,
            city,
            state: state.map(|s| s.to_ascii_uppercase()),
            zip,
        }),
        email,
        preferred_language: Some(language),
    }
}

fn profile_form(id: String, profile: Profile) -> impl IntoView {
    let session = use_session();
    let language = RwSignal::new(profile.preferred_language);
    let texts = texts_of(profile).map(RwSignal::new);
    let problems = [(); 6].map(|_| RwSignal::new(None::<Problem>));
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        saved.set(false);
        problem.set(None);
        let typed = texts.map(|t| t.get_untracked().trim().to_owned());
        let mut first = None;
        for (i, (field, ..)) in FIELDS.iter().enumerate() {
            let found = check(field, &typed[i]);
            problems[i].set(found);
            first = first.or(found);
        }
        if let Some(found) = first {
            return report(
                problems[FIELDS
                    .iter()
                    .position(|f| Some(f.0) == found.field())
                    .unwrap_or(0)],
                found,
            );
        }
        let update = update_of(typed, language.get_untracked());
        busy.set(true);
        let id = id.clone();
        spawn_local(async move {
            let answer = api::update_profile(&id, &update).await;
            let _ = busy.try_set(false);
            let error = match answer {
                Ok(updated) => {
                    for (signal, value) in texts.iter().zip(texts_of(updated.profile)) {
                        signal.set(value);
                    }
                    saved.set(true);
                    return;
                }
                Err(error) => error,
            };
            let (code, field) = (error.code(), error.field());
            if code == Some(ErrorCode::SignedOut) {
                return session.signed_out(None);
            }
            let at = FIELDS.iter().position(|f| Some(f.1) == field);
            let message: Option<Text> = match code {
                Some(ErrorCode::ZipInvalid) => Some(|t| t.zip_invalid),
                Some(ErrorCode::StateInvalid) => Some(|t| t.state_invalid),
                Some(ErrorCode::EmailInvalid) => Some(|t| t.email_invalid),
                Some(ErrorCode::TextTooLong) => Some(|t| t.text_too_long),
                _ => None,
            };
            match (at, message) {
                (Some(i), Some(message)) => {
                    report(problems[i], Problem::Invalid(FIELDS[i].0, message))
                }
                _ => report(problem, Problem::from_api(&error)),
            }
        });
    };

    let field = move |i: usize| {
        let (id, _, label, autocomplete, hint) = FIELDS[i];
        let state = FieldState {
            problem: problems[i],
            field: id,
        };
        let value = texts[i];
        view! {
            <div class=state.class()>
                <label for=id>{tr(label)}</label>
                {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{tr(hint)}</p> })}
                <FieldError problem=problems[i] field=id />
                <input
                    id=id
                    name=id
                    type=if id == "email" { "email" } else { "text" }
                    class=if id == "state" || id == "zip" { "w4" } else { "" }
                    inputmode=(id == "zip").then_some("numeric")
                    autocomplete=autocomplete
                    spellcheck="false"
                    aria-invalid=state.invalid()
                    aria-describedby=state.described_by()
                    prop:value=value_of(value)
                    on:input=set_value(value)
                />
            </div>
        }
    };
    let choice = move |value: Language, label: Text| {
        let id = format!("language-{}", value.code());
        view! {
            <div class="checkbox">
                <input
                    type="radio"
                    id=id.clone()
                    name="language"
                    prop:checked=move || language.get() == value
                    on:change=move |_| language.set(value)
                />
                <label for=id>{tr(label)}</label>
            </div>
        }
    };
    view! {
        <ErrorSummary problem target="line1" more=problems.to_vec() />
        <p>{tr(|t| t.profile_intro)}</p>
        <p class="notice" role="status">
            {move || saved.get().then(|| tr(|t| t.profile_saved)())}
        </p>
        <form novalidate on:submit=submit>
            <fieldset>
                <legend>{tr(|t| t.address_legend)}</legend>
                {(0..5).map(field).collect_view()}
            </fieldset>
            {field(5)}
            <fieldset class="field">
                <legend>{tr(|t| t.language_legend)}</legend>
                {choice(Language::En, |t| t.language_en)}
                {choice(Language::Es, |t| t.language_es)}
            </fieldset>
            <button type="submit" aria-disabled=busy_attr(busy)>
                {busy_label(busy, |t| t.save_button, |t| t.saving)}
            </button>
        </form>
    }
}
