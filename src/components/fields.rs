//! Fields several forms share: a date as three numbers (SPEC 3.3.5), for a patient's date of
//! birth, a guardian's own and a dependent's, and a name with its error.

use super::form::{set_value, value_of, FieldError, FieldState, Problem};
use crate::i18n::{tr, Strings};
use leptos::prelude::*;
use wire::{patients::TypedDate, DateOfBirth};

/// `3 7 2015` as the person typed it.
#[derive(Clone, Copy)]
pub struct DateInput {
    month: RwSignal<String>,
    day: RwSignal<String>,
    year: RwSignal<String>,
}

impl DateInput {
    pub fn new(typed: Option<&TypedDate>) -> Self {
        let part =
            |f: fn(&TypedDate) -> &String| RwSignal::new(typed.map(f).cloned().unwrap_or_default());
        DateInput {
            month: part(|d| &d.month),
            day: part(|d| &d.day),
            year: part(|d| &d.year),
        }
    }

    fn typed(self) -> TypedDate {
        TypedDate {
            month: self.month.get_untracked(),
            day: self.day.get_untracked(),
            year: self.year.get_untracked(),
        }
    }

    /// Checked with the same rules as the server, against today's date here.
    pub fn check(self) -> Result<TypedDate, wire::DobError> {
        let typed = self.typed();
        let now = js_sys::Date::new_0();
        let today = chrono::NaiveDate::from_ymd_opt(
            now.get_full_year() as i32,
            now.get_month() + 1,
            now.get_date(),
        )
        .unwrap_or_default();
        DateOfBirth::from_parts(&typed.month, &typed.day, &typed.year, today).map(|_| typed)
    }
}

/// Three numeric fields (month, day, year) that work with a phone keypad (SPEC 3.3.5). `own`:
/// the person's own date of birth, which the browser may fill in; never a patient's.
#[component]
pub fn DateFields(
    field: &'static str,
    date: DateInput,
    problem: RwSignal<Option<Problem>>,
    own: bool,
    children: Children,
) -> impl IntoView {
    let state = FieldState { problem, field };
    let auto = move |part: &'static str| if own { part } else { "off" };
    let part = move |id: String,
                     label: fn(&'static Strings) -> &'static str,
                     value: RwSignal<String>,
                     autocomplete: &'static str,
                     class: &'static str| {
        view! {
            <div class="date-part">
                <label for=id.clone()>{tr(label)}</label>
                <input
                    id=id.clone()
                    name=id
                    class=class
                    type="text"
                    inputmode="numeric"
                    autocomplete=autocomplete
                    aria-invalid=state.invalid()
                    prop:value=value_of(value)
                    on:input=set_value(value)
                />
            </div>
        }
    };
    view! {
        <div class=state.class()>
            <fieldset role="group" aria-describedby=state.described_by()>
                <legend>{children()}</legend>
                <p class="hint" id=format!("{field}-hint")>{tr(|t| t.dob_hint)}</p>
                <FieldError problem field />
                <div class="date">
                    {part(field.to_owned(), |t| t.month_label, date.month, auto("bday-month"), "w2")}
                    {part(format!("{field}-day"), |t| t.day_label, date.day, auto("bday-day"), "w2")}
                    {part(format!("{field}-year"), |t| t.year_label, date.year, auto("bday-year"), "w4")}
                </div>
            </fieldset>
        </div>
    }
}

/// A name field (`first-name`, `last-name`) with its error.
pub fn name_input(
    problem: RwSignal<Option<Problem>>,
    id: &'static str,
    label: fn(&'static Strings) -> &'static str,
    value: RwSignal<String>,
    autocomplete: &'static str,
) -> impl IntoView {
    let state = FieldState { problem, field: id };
    view! {
        <div class=state.class()>
            <label for=id>{tr(label)}</label>
            <FieldError problem field=id />
            <input
                id=id
                name=id
                type="text"
                autocomplete=autocomplete
                spellcheck="false"
                aria-invalid=state.invalid()
                aria-describedby=move || state.invalid()().map(|_| format!("{id}-error"))
                prop:value=value_of(value)
                on:input=set_value(value)
            />
        </div>
    }
}
