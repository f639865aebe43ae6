//! Form errors the GOV.UK way (UX.md "Forms"): checked on submit, shown next to the field and
//! in a summary at the top that takes focus and links to the field.

use crate::{
    api::ApiClientError,
    i18n::{tr, use_locale, Strings},
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wire::ErrorCode;
use wire::{CodeError, DobError, NameError, PhoneError};

/// Everything that can go wrong on the sign-in pages, each with a message that says how to fix
/// it. Waits carry the seconds left when the answer came.
// `Invalid`'s message is compared by address, which is only for tests.
#[allow(unpredictable_function_pointer_comparisons)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Phone(PhoneError),
    /// The text provider refused the number (a landline, say).
    Undeliverable,
    Code(CodeError),
    CodeIncorrect,
    CodeExpired,
    CodeLocked,
    OptedOut,
    SmsUnavailable,
    ResendTooSoon(u64),
    TooManyCodes(u64),
    TooManyRequests(u64),
    Network,
    Server,
    /// The patient's date of birth as typed (`dob` fields).
    Dob(DobError),
    /// A guardian's own date of birth (`own-dob` fields).
    OwnDob(DobError),
    FirstNameEmpty,
    LastNameEmpty,
    /// A wrong answer; `true` when the account asked about itself.
    DobIncorrect(bool),
    /// The message box: empty, or too long (its count of characters).
    MessageEmpty,
    MessageTooLong(usize),
    /// A dependent's name: `true` for the last name.
    Name(bool, NameError),
    SexRequired,
    /// 403 `guardian_link_required`: only a guardian of someone at the practice adds dependents.
    GuardianLinkRequired,
    /// A field (its `id`) and what to do about it: the profile's and the access-link code's
    /// problems, one variant for all (each costs a function pointer, not a match arm).
    Invalid(&'static str, fn(&'static Strings) -> &'static str),
}

/// The `DobError` behind a server's `dob_*` code.
pub fn dob_error(code: ErrorCode) -> Option<DobError> {
    Some(match code {
        ErrorCode::DobMissing => DobError::Missing,
        ErrorCode::DobNotANumber => DobError::NotANumber,
        ErrorCode::DobInvalidMonth => DobError::InvalidMonth,
        ErrorCode::DobInvalidDay => DobError::InvalidDay,
        ErrorCode::DobYearNotFourDigits => DobError::YearNotFourDigits,
        ErrorCode::DobTooOld => DobError::TooOld,
        ErrorCode::DobInFuture => DobError::InFuture,
        ErrorCode::DobBadFormat => DobError::BadFormat,
        _ => return None,
    })
}

impl Problem {
    /// The server's answer, by its stable `error` code.
    pub fn from_api(error: &ApiClientError) -> Problem {
        let ApiClientError::Api { status, body } = error else {
            return match error {
                ApiClientError::Network => Problem::Network,
                _ => Problem::Server,
            };
        };
        let wait = body.retry_after_seconds.unwrap_or(60);
        match body.error {
            ErrorCode::ResendTooSoon => Problem::ResendTooSoon(wait),
            ErrorCode::TooManyCodes => Problem::TooManyCodes(wait),
            ErrorCode::OptedOut => Problem::OptedOut,
            ErrorCode::SmsUnavailable => Problem::SmsUnavailable,
            ErrorCode::CodeIncorrect => Problem::CodeIncorrect,
            ErrorCode::CodeExpired => Problem::CodeExpired,
            ErrorCode::CodeLocked => Problem::CodeLocked,
            ErrorCode::PhoneUndeliverable => Problem::Undeliverable,
            ErrorCode::PhoneEmpty => Problem::Phone(PhoneError::Empty),
            ErrorCode::PhoneInvalidCharacters => Problem::Phone(PhoneError::InvalidCharacters),
            ErrorCode::PhoneNotUs => Problem::Phone(PhoneError::NotUs),
            ErrorCode::PhoneWrongLength => Problem::Phone(PhoneError::WrongLength),
            ErrorCode::PhoneInvalidAreaCode => Problem::Phone(PhoneError::InvalidAreaCode),
            ErrorCode::PhoneInvalidExchange => Problem::Phone(PhoneError::InvalidExchange),
            ErrorCode::CodeEmpty => Problem::Code(CodeError::Empty),
            ErrorCode::CodeNotDigits => Problem::Code(CodeError::NotDigits),
            ErrorCode::CodeWrongLength => Problem::Code(CodeError::WrongLength),
            _ if *status == 429 => Problem::TooManyRequests(wait),
            _ => Problem::Server,
        }
    }

    /// The `id` of the field to fix, if one is.
    pub fn field(self) -> Option<&'static str> {
        match self {
            Problem::Phone(_) | Problem::Undeliverable => Some("phone"),
            Problem::Code(_) | Problem::CodeIncorrect => Some("code"),
            Problem::Dob(_) | Problem::DobIncorrect(_) => Some("dob"),
            Problem::OwnDob(_) => Some("own-dob"),
            Problem::FirstNameEmpty => Some("first-name"),
            Problem::LastNameEmpty | Problem::Name(true, _) => Some("last-name"),
            Problem::Name(false, _) => Some("first-name"),
            Problem::MessageEmpty | Problem::MessageTooLong(_) => Some("message"),
            Problem::SexRequired => Some("sex"),
            Problem::Invalid(field, _) => Some(field),
            _ => None,
        }
    }

    /// Seconds to wait, for limits.
    pub fn wait(self) -> Option<u64> {
        match self {
            Problem::ResendTooSoon(s) | Problem::TooManyCodes(s) | Problem::TooManyRequests(s) => {
                Some(s)
            }
            _ => None,
        }
    }

    pub fn message(self, t: &'static Strings) -> String {
        let text = match self {
            Problem::Phone(error) => match error {
                PhoneError::Empty => t.phone_empty,
                PhoneError::InvalidCharacters => t.phone_invalid_characters,
                PhoneError::NotUs => t.phone_not_us,
                PhoneError::WrongLength => t.phone_wrong_length,
                PhoneError::InvalidAreaCode => t.phone_invalid_area_code,
                PhoneError::InvalidExchange => t.phone_invalid_exchange,
            },
            Problem::Code(error) => match error {
                CodeError::Empty => t.code_empty,
                CodeError::NotDigits => t.code_not_digits,
                CodeError::WrongLength => t.code_wrong_length,
            },
            Problem::Undeliverable => t.phone_undeliverable,
            Problem::CodeIncorrect => t.code_incorrect,
            Problem::CodeExpired => t.code_expired,
            Problem::CodeLocked => t.code_locked,
            Problem::OptedOut => t.opted_out,
            Problem::SmsUnavailable => t.sms_unavailable,
            Problem::ResendTooSoon(_) => t.resend_wait,
            Problem::TooManyCodes(_) => t.too_many_codes,
            Problem::TooManyRequests(_) => t.too_many_requests,
            Problem::Network => t.error_network,
            Problem::Server => t.error_server,
            Problem::Dob(error) | Problem::OwnDob(error) => match error {
                DobError::Missing => t.dob_missing,
                DobError::NotANumber | DobError::BadFormat => t.dob_not_a_number,
                DobError::InvalidMonth => t.dob_invalid_month,
                DobError::InvalidDay => t.dob_invalid_day,
                DobError::YearNotFourDigits => t.dob_year_not_four_digits,
                DobError::TooOld => t.dob_too_old,
                DobError::InFuture => t.dob_in_future,
            },
            Problem::FirstNameEmpty => t.first_name_empty,
            Problem::LastNameEmpty => t.last_name_empty,
            Problem::DobIncorrect(true) => t.dob_incorrect_self,
            // `{name}` is filled in where it is shown, from the current patient.
            Problem::DobIncorrect(false) => t.dob_incorrect,
            Problem::MessageEmpty => t.message_empty,
            Problem::MessageTooLong(n) => {
                // 5,001: thousands with a comma, as both languages write them in the US.
                return t
                    .message_too_long
                    .replace("{n}", &format!("{},{:03}", n / 1000, n % 1000));
            }
            Problem::Name(last, error) => match (error, last) {
                (NameError::Empty, false) => t.dependent_first_name_empty,
                (NameError::Empty, true) => t.dependent_last_name_empty,
                (NameError::TooLong, _) => t.name_too_long,
                (NameError::ControlCharacters, _) => t.name_control_characters,
            },
            Problem::SexRequired => t.sex_required,
            Problem::GuardianLinkRequired => t.guardian_link_required,
            Problem::Invalid(_, message) => message(t),
        };
        match self.wait() {
            Some(seconds) => text.replace("{time}", &t.time(seconds)),
            None => text.to_owned(),
        }
    }
}

/// Shows `problem` and moves focus to the error summary once it is drawn.
pub fn report(signal: RwSignal<Option<Problem>>, problem: Problem) {
    // The page may be gone by the time an answer comes.
    if signal.try_set(Some(problem)).is_some() {
        return;
    }
    request_animation_frame(|| focus("error-summary"));
}

/// Focuses the element with this `id`, if it is on the page.
pub fn focus(id: &str) {
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The box at the top of a form: what is wrong, linked to the field to fix (`target` when the
/// problem is not about one field). `role="alert"`, and focused by [`report`]. Always on the
/// page, hidden while there is no problem. Its text is the answer at the time (a countdown in
/// an alert would be read out every second); the page shows the live countdown elsewhere.
/// `more`: a form that checks several fields at once has a signal per field, each listed.
#[component]
pub fn ErrorSummary(
    problem: RwSignal<Option<Problem>>,
    target: &'static str,
    #[prop(optional)] more: Vec<RwSignal<Option<Problem>>>,
) -> impl IntoView {
    let all: Vec<_> = std::iter::once(problem).chain(more).collect();
    let item = move |problem: RwSignal<Option<Problem>>| {
        let field = move || problem.get().and_then(Problem::field).unwrap_or(target);
        // The router would treat `#field` as a navigation; focusing the field is the point.
        let go = move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            focus(field());
        };
        view! {
            <li hidden=move || problem.with(Option::is_none)>
                <a href=move || format!("#{}", field()) on:click=go>
                    {say(problem, None)}
                </a>
            </li>
        }
    };
    let none = {
        let all = all.clone();
        move || all.iter().all(|p| p.with(Option::is_none))
    };
    view! {
        <div class="error-summary" id="error-summary" role="alert" tabindex="-1" hidden=none>
            <h2>{tr(|t| t.error_summary_title)}</h2>
            <ul>{all.into_iter().map(item).collect_view()}</ul>
        </div>
    }
}

/// The message under a field, shown when the problem is about that field.
#[component]
pub fn FieldError(problem: RwSignal<Option<Problem>>, field: &'static str) -> impl IntoView {
    let mine = move || problem.get().filter(|p| p.field() == Some(field));
    view! {
        <p class="field-error" id=format!("{field}-error") hidden=move || mine().is_none()>
            <span class="visually-hidden">{tr(|t| t.error_prefix)}" "</span>
            {say(problem, Some(field))}
        </p>
    }
}

/// The problem's message in the current language (about `field` only, when given), with
/// `{name}` as the current patient's first name.
fn say(
    problem: RwSignal<Option<Problem>>,
    field: Option<&'static str>,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let locale = use_locale();
    let current = crate::current_patient::use_current();
    move || {
        let p = problem
            .get()
            .filter(|p| field.is_none() || p.field() == field)?;
        Some(
            p.message(locale.t())
                .replace("{name}", &current.first_name()),
        )
    }
}

/// The attributes of a field that may have an error: its class, `aria-invalid` and
/// `aria-describedby` (its hint, and its error when there is one). One set of closures for
/// every field keeps the WebAssembly small.
#[derive(Clone, Copy)]
pub struct FieldState {
    pub problem: RwSignal<Option<Problem>>,
    pub field: &'static str,
}

impl FieldState {
    fn is_invalid(self) -> bool {
        self.problem.get().and_then(Problem::field) == Some(self.field)
    }

    pub fn class(self) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || {
            if self.is_invalid() {
                "field field-invalid"
            } else {
                "field"
            }
        }
    }

    pub fn invalid(self) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
        move || self.is_invalid().then_some("true")
    }

    pub fn described_by(self) -> impl Fn() -> String + Copy + Send + Sync + 'static {
        move || {
            let field = self.field;
            if self.is_invalid() {
                format!("{field}-hint {field}-error")
            } else {
                format!("{field}-hint")
            }
        }
    }
}

/// A text input's value, both ways.
pub fn value_of(text: RwSignal<String>) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || text.get()
}

pub fn set_value(text: RwSignal<String>) -> impl Fn(leptos::ev::Event) + Copy + 'static {
    move |ev| text.set(event_target_value(&ev))
}

/// `aria-disabled` for a button while its request runs (it still takes focus and says why).
pub fn busy_attr(busy: RwSignal<bool>) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync {
    move || busy.get().then_some("true")
}

/// A button's words, which say "…ing" while its request runs.
pub fn busy_label(
    busy: RwSignal<bool>,
    idle: fn(&'static Strings) -> &'static str,
    working: fn(&'static Strings) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = use_locale();
    move || {
        let t = locale.t();
        if busy.get() {
            working(t)
        } else {
            idle(t)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{strings, Language};
    use wire::api::ApiError;

    fn api(status: u16, error: &str, retry: Option<u64>) -> ApiClientError {
        ApiClientError::Api {
            status,
            body: ApiError {
                error: serde_json::from_value(error.into()).unwrap(),
                message: "English for developers".into(),
                field: None,
                retry_after_seconds: retry,
            },
        }
    }

    #[test]
    fn every_sign_in_error_code_has_its_own_message_and_field() {
        let cases = [
            (
                api(422, "phone_wrong_length", None),
                Problem::Phone(PhoneError::WrongLength),
            ),
            (
                api(422, "phone_undeliverable", None),
                Problem::Undeliverable,
            ),
            (
                api(422, "code_not_digits", None),
                Problem::Code(CodeError::NotDigits),
            ),
            (api(401, "code_incorrect", None), Problem::CodeIncorrect),
            (api(410, "code_expired", None), Problem::CodeExpired),
            (api(410, "code_locked", None), Problem::CodeLocked),
            (api(403, "opted_out", None), Problem::OptedOut),
            (
                api(503, "sms_unavailable", Some(60)),
                Problem::SmsUnavailable,
            ),
            (
                api(429, "resend_too_soon", Some(25)),
                Problem::ResendTooSoon(25),
            ),
            (
                api(429, "too_many_codes", Some(2801)),
                Problem::TooManyCodes(2801),
            ),
            (
                api(429, "too_many_requests", Some(90)),
                Problem::TooManyRequests(90),
            ),
            (
                api(429, "something_new", None),
                Problem::TooManyRequests(60),
            ),
            (api(500, "database_down", None), Problem::Server),
            (ApiClientError::Network, Problem::Network),
        ];
        for (error, problem) in cases {
            assert_eq!(Problem::from_api(&error), problem, "{error}");
        }
        assert_eq!(Problem::Phone(PhoneError::Empty).field(), Some("phone"));
        assert_eq!(Problem::CodeIncorrect.field(), Some("code"));
        assert_eq!(Problem::CodeLocked.field(), None);
    }

    #[test]
    fn waits_are_said_in_words() {
        let en = strings(Language::En);
        assert_eq!(
            Problem::ResendTooSoon(25).message(en),
            "You can ask for a new code in 25 seconds."
        );
        assert_eq!(
            Problem::TooManyCodes(2801).message(en),
            "You have asked for too many codes. You can ask for a new code in 47 minutes."
        );
        let es = strings(Language::Es);
        assert_eq!(
            Problem::TooManyRequests(61).message(es),
            "Hubo demasiados intentos desde este dispositivo. Espere 1 minuto y 1 segundo y vuelva a intentarlo."
        );
        assert!(Problem::OptedOut.message(en).contains("text START"));
        assert_eq!(
            Problem::MessageTooLong(5_001).message(en),
            "Your message has 5,001 characters. Make it 5,000 characters or fewer."
        );
        assert_eq!(Problem::MessageTooLong(12_040).field(), Some("message"));
        assert!(Problem::MessageTooLong(12_040)
            .message(es)
            .contains("12,040"));
    }
}
