//! `/practices/{slug}/add-dependent`: a guardian adds a child or dependent (SPEC 3.5). One short
//! form; checked on submit with the same rules as the server (`wire::text::person_name`,
//! `wire::DateOfBirth`); on success the new patient is the current one and its conversation
//! opens.

use crate::{
    api,
    components::{
        fields::{name_input, DateFields, DateInput},
        form::{
            busy_attr, busy_label, dob_error, focus, report, ErrorSummary, FieldError, FieldState,
            Problem,
        },
        NotFound, PageTitle,
    },
    current_patient::use_current,
    i18n::{tr, tr_with, Strings},
    session::{use_session, RequireSignIn},
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::{hooks::use_navigate, NavigateOptions};
use wire::ErrorCode;
use wire::{
    dependents::{AddDependentRequest, Sex},
    text::person_name,
    NameError,
};

/// A message of the catalog.
type Text = fn(&'static Strings) -> &'static str;

/// The page for `/practices/{slug}/add-dependent`.
pub fn add_dependent_page(slug: String) -> AnyView {
    view! {
        <RequireSignIn>
            <AddDependent slug=slug.clone() />
        </RequireSignIn>
    }
    .into_any()
}

#[component]
fn AddDependent(slug: String) -> impl IntoView {
    let session = use_session();
    let current = use_current();
    let navigate = use_navigate();
    let practice = session.practice(&slug).filter(|p| p.can_add_dependents);
    let Some(practice) = practice else {
        return view! { <NotFound /> }.into_any();
    };
    let asks_sex = practice.asks_dependent_sex;
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let date = DateInput::new(None);
    let sex = RwSignal::new(None::<Sex>);
    // One signal per field, so every problem is listed at once (GOV.UK); `problem` for the
    // rest (a refusal, the network).
    let problem = RwSignal::new(None::<Problem>);
    let [first_p, last_p, dob_p, sex_p] = [(); 4].map(|_| RwSignal::new(None::<Problem>));
    let busy = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let first_name = person_name(&first.get_untracked()).map_err(|e| Problem::Name(false, e));
        let last_name = person_name(&last.get_untracked()).map_err(|e| Problem::Name(true, e));
        let dob = date.check().map_err(Problem::Dob);
        let sex = sex.get_untracked();
        let sex_missing = (asks_sex && sex.is_none()).then_some(Problem::SexRequired);
        problem.set(None);
        first_p.set(first_name.as_ref().err().copied());
        last_p.set(last_name.as_ref().err().copied());
        dob_p.set(dob.as_ref().err().copied());
        sex_p.set(sex_missing);
        let (Ok(first_name), Ok(last_name), Ok(dob), None) =
            (first_name, last_name, dob, sex_missing)
        else {
            return request_animation_frame(|| focus("error-summary"));
        };
        let request = AddDependentRequest {
            first_name,
            last_name,
            dob,
            sex,
        };
        busy.set(true);
        let slug = slug.clone();
        let navigate = navigate.clone();
        spawn_local(async move {
            let answer = api::add_dependent(&slug, &request).await;
            let _ = busy.try_set(false);
            let error = match answer {
                Ok(mut patient) => {
                    patient.verified = true;
                    let to = format!("/patients/{}/messages", patient.id);
                    current.choose(slug, patient);
                    return navigate(&to, NavigateOptions::default());
                }
                Err(error) => error,
            };
            let (code, field) = (error.code(), error.field());
            let last = field == Some("last_name");
            let name = if last { last_p } else { first_p };
            let (signal, shown) = match code {
                Some(ErrorCode::GuardianLinkRequired) => (problem, Problem::GuardianLinkRequired),
                Some(ErrorCode::SexRequired) => (sex_p, Problem::SexRequired),
                Some(ErrorCode::NameEmpty) => (name, Problem::Name(last, NameError::Empty)),
                Some(ErrorCode::NameTooLong) => (name, Problem::Name(last, NameError::TooLong)),
                Some(ErrorCode::NameControlCharacters) => {
                    (name, Problem::Name(last, NameError::ControlCharacters))
                }
                Some(ErrorCode::SignedOut) => return session.signed_out(None),
                code => match code.and_then(dob_error) {
                    Some(error) => (dob_p, Problem::Dob(error)),
                    None => (problem, Problem::from_api(&error)),
                },
            };
            report(signal, shown);
        });
    };

    let sex_state = FieldState {
        problem: sex_p,
        field: "sex",
    };
    let radio = move |(value, label): (Sex, Text)| {
        // The first answer carries the field's id, for the error summary's link.
        let id = if value == Sex::Female {
            "sex".to_owned()
        } else {
            format!("sex-{}", value.code())
        };
        view! {
            <div class="checkbox">
                <input
                    type="radio"
                    id=id.clone()
                    name="sex"
                    value=value.code()
                    on:change=move |_| sex.set(Some(value))
                />
                <label for=id>{tr(label)}</label>
            </div>
        }
    };
    let answers: [(Sex, Text); 4] = [
        (Sex::Female, |t| t.sex_female),
        (Sex::Male, |t| t.sex_male),
        (Sex::Other, |t| t.sex_other),
        (Sex::Unknown, |t| t.sex_unknown),
    ];
    let back = format!("/practices/{}", practice.slug);
    view! {
        <PageTitle page=|t| t.add_dependent_link />
        <ErrorSummary problem target="first-name" more=vec![first_p, last_p, dob_p, sex_p] />
        <h1 tabindex="-1">{tr(|t| t.add_dependent_link)}</h1>
        <p>
            {tr_with(|t, p| t.add_dependent_intro.replace("{practice}", p), practice.name)}
        </p>
        <form novalidate on:submit=submit>
            {name_input(first_p, "first-name", |t| t.dependent_first_name, first, "off")}
            {name_input(last_p, "last-name", |t| t.dependent_last_name, last, "off")}
            // Not the person's own date of birth: no `bday` autofill.
            <DateFields field="dob" date problem=dob_p own=false>
                {tr(|t| t.dob_label)}
            </DateFields>
            {asks_sex
                .then(|| {
                    view! {
                        <div class=sex_state.class()>
                            <fieldset aria-describedby=move || {
                                sex_state.invalid()().map(|_| "sex-error")
                            }>
                                <legend>{tr(|t| t.sex_legend)}</legend>
                                <FieldError problem=sex_p field="sex" />
                                {answers.map(radio)}
                            </fieldset>
                        </div>
                    }
                })}
            <button type="submit" aria-disabled=busy_attr(busy)>
                {busy_label(busy, |t| t.add_dependent_button, |t| t.adding)}
            </button>
        </form>
        <p class="back">
            <a href=back>{tr(|t| t.back_to_patient)}</a>
        </p>
    }
    .into_any()
}
