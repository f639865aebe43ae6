//! Sign in with a phone code (SPEC 3.1): `/sign-in` asks for the number, `/sign-in/code` for
//! the code. One question per page; what was typed stays in the session context, so it is
//! never lost after an error or on the way back.

use crate::{
    api,
    components::{
        form::{
            busy_attr, busy_label, report, set_value, value_of, ErrorSummary, FieldError,
            FieldState, Problem,
        },
        load::replace,
        PageTitle,
    },
    i18n::{tr, use_locale, Strings},
    session::{now, use_session, Notice, SentCode},
    web_otp,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::{hooks::use_navigate, NavigateOptions};
use wire::{auth::VerifyCodeRequest, OneTimeCode, PhoneNumber};

/// `/sign-in`: "What is your mobile phone number?"
#[component]
pub fn SignIn() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let wait_until = RwSignal::new(None::<f64>);
    let phone_field = FieldState {
        problem,
        field: "phone",
    };

    // Signed in already (a bookmark, the back button): nothing to do here.
    let leave = navigate.clone();
    Effect::new(move |_| {
        if session.is_signed_in() {
            leave("/practices", replace());
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let phone = match PhoneNumber::parse(&session.phone.get_untracked()) {
            Ok(phone) => phone,
            Err(error) => return report(problem, Problem::Phone(error)),
        };
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let answer = api::send_code(phone.e164()).await;
            let _ = busy.try_set(false);
            let (sent_to, resend_after, expires_in) = match answer {
                Ok(sent) => (
                    sent.sent_to,
                    sent.resend_after_seconds,
                    sent.expires_in_seconds,
                ),
                Err(error) => match Problem::from_api(&error) {
                    // A code went to this number moments ago (the person came back from the
                    // code page): it still works, so go and enter it.
                    Problem::ResendTooSoon(wait) => (phone.masked(), wait, 0),
                    other => {
                        if let Some(wait) = other.wait() {
                            let _ = wait_until.try_set(Some(session.deadline(wait)));
                        }
                        return report(problem, other);
                    }
                },
            };
            session.notice.set(None);
            session.resend_at.set(Some(session.deadline(resend_after)));
            session.sent.set(Some(SentCode {
                phone: phone.e164().to_owned(),
                sent_to,
                expires_in_seconds: expires_in,
            }));
            navigate("/sign-in/code", NavigateOptions::default());
        });
    };

    let notice = move || {
        let t = locale.t();
        session.notice.get().map(|notice| match notice {
            Notice::SignedOut => t.signed_out_notice,
            Notice::Idle => t.idle_signed_out_notice,
            Notice::Expired => t.absolute_signed_out_notice,
        })
    };
    view! {
        <PageTitle page=|t| t.sign_in_page_title />
        <p class="notice" role="status">{notice}</p>
        <ErrorSummary problem target="phone" />
        <h1 tabindex="-1">{tr(|t| t.sign_in_heading)}</h1>
        <form novalidate on:submit=submit>
            <div class=phone_field.class()>
                <label for="phone">{tr(|t| t.phone_label)}</label>
                <p class="hint" id="phone-hint">{tr(|t| t.phone_hint)}</p>
                <FieldError problem field="phone" />
                <input
                    id="phone"
                    name="phone"
                    type="tel"
                    autocomplete="tel"
                    inputmode="tel"
                    aria-describedby=phone_field.described_by()
                    aria-invalid=phone_field.invalid()
                    prop:value=value_of(session.phone)
                    on:input=set_value(session.phone)
                />
            </div>
            <div class="checkbox">
                <input
                    id="remember"
                    name="remember"
                    type="checkbox"
                    aria-describedby="remember-hint"
                    prop:checked=move || session.remember.get()
                    on:change=move |ev| session.remember.set(event_target_checked(&ev))
                />
                <label for="remember">{tr(|t| t.remember_label)}</label>
                <p class="hint" id="remember-hint">{tr(|t| t.remember_hint)}</p>
            </div>
            <button type="submit" aria-disabled=busy_attr(busy)>
                {busy_label(busy, |t| t.send_code_button, |t| t.sending)}
            </button>
            <Wait until=wait_until text=|t| t.resend_wait />
        </form>
        <p class="back">
            <a href="/">{tr(|t| t.go_home)}</a>
        </p>
    }
}

/// A countdown line ("You can ask for a new code in 25 seconds") while a limit lasts. Not a
/// live region: it changes every second.
#[component]
fn Wait(until: RwSignal<Option<f64>>, text: fn(&'static Strings) -> &'static str) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let left = move || until.get().map_or(0, |at| session.seconds_until(at));
    view! {
        <p class="wait" hidden=move || left() == 0>
            {move || {
                let t = locale.t();
                text(t).replace("{time}", &t.time(left()))
            }}
        </p>
    }
}

/// `/sign-in/code`: "Enter the code we texted you".
#[component]
pub fn EnterCode() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    let code = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let resending = RwSignal::new(false);
    let resent = RwSignal::new(false);
    let wait_until = RwSignal::new(None::<f64>);
    let code_field = FieldState {
        problem,
        field: "code",
    };

    // No code was asked for in this visit (a reload, a bookmark): start with the number.
    let leave = navigate.clone();
    Effect::new(move |_| {
        if session.sent.with(Option::is_none) {
            leave("/sign-in", replace());
        }
    });

    let verify = move || {
        if busy.get_untracked() {
            return;
        }
        let Some(sent) = session.sent.get_untracked() else {
            return;
        };
        let code = match OneTimeCode::parse(&code.get_untracked()) {
            Ok(code) => code,
            Err(error) => return report(problem, Problem::Code(error)),
        };
        busy.set(true);
        resent.set(false);
        let navigate = navigate.clone();
        spawn_local(async move {
            let request = VerifyCodeRequest {
                phone: sent.phone,
                code: code.as_str().to_owned(),
                remember_device: session.remember.get_untracked(),
            };
            let answer = api::verify(&request).await;
            let _ = busy.try_set(false);
            match answer {
                Ok(info) => {
                    let target = match (session.return_to.get_untracked(), &info.practices[..]) {
                        (Some(page), _) => page,
                        (None, [only]) => format!("/practices/{}", only.slug),
                        (None, _) => "/practices".to_owned(),
                    };
                    session.set_return(None);
                    session.signed_in(info);
                    navigate(&target, replace());
                }
                Err(error) => {
                    let problem_now = Problem::from_api(&error);
                    if let Some(wait) = problem_now.wait() {
                        let _ = wait_until.try_set(Some(session.deadline(wait)));
                    }
                    report(problem, problem_now);
                }
            }
        });
    };

    // Chrome on Android: fill in the code from the text and go on.
    let autofill = verify.clone();
    web_otp::listen(move |text| {
        if code.try_set(text).is_none() {
            autofill();
        }
    });

    let resend = move |_: leptos::ev::MouseEvent| {
        let Some(sent) = session.sent.get_untracked() else {
            return;
        };
        if resending.get_untracked() || session.resend_at.get_untracked() > Some(now()) {
            return;
        }
        resending.set(true);
        resent.set(false);
        spawn_local(async move {
            let answer = api::send_code(&sent.phone).await;
            let _ = resending.try_set(false);
            match answer {
                Ok(new) => {
                    session
                        .resend_at
                        .set(Some(session.deadline(new.resend_after_seconds)));
                    session.sent.set(Some(SentCode {
                        phone: sent.phone,
                        sent_to: new.sent_to,
                        expires_in_seconds: new.expires_in_seconds,
                    }));
                    let _ = problem.try_set(None);
                    let _ = resent.try_set(true);
                }
                Err(error) => {
                    let problem_now = Problem::from_api(&error);
                    if let Some(wait) = problem_now.wait() {
                        session.resend_at.set(Some(session.deadline(wait)));
                    }
                    report(problem, problem_now);
                }
            }
        });
    };

    let sent_to = move || {
        session
            .sent
            .with(|s| s.as_ref().map(|s| crate::session::unbroken(&s.sent_to)))
    };
    let intro = move || {
        let t = locale.t();
        let mut text = t
            .code_sent_to
            .replace("{phone}", &sent_to().unwrap_or_default());
        let expires = session
            .sent
            .with(|s| s.as_ref().map_or(0, |s| s.expires_in_seconds));
        if expires > 0 {
            text.push(' ');
            text.push_str(&t.code_expires.replace("{time}", &t.time(expires)));
        }
        text
    };
    let resend_left = move || {
        session
            .resend_at
            .get()
            .map_or(0, |at| session.seconds_until(at))
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        verify();
    };
    view! {
        <PageTitle page=|t| t.code_page_title />
        <ErrorSummary problem target="code" />
        <h1 tabindex="-1">{tr(|t| t.code_heading)}</h1>
        <p class="sent-to">{intro}</p>
        <form novalidate on:submit=submit>
            <div class=code_field.class()>
                <label for="code">{tr(|t| t.code_label)}</label>
                <p class="hint" id="code-hint">{tr(|t| t.code_hint)}</p>
                <FieldError problem field="code" />
                // No maxlength or pattern: a pasted "123 456" or "123-456" must fit.
                <input
                    id="code"
                    name="code"
                    type="text"
                    class="input-code"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    spellcheck="false"
                    aria-describedby=code_field.described_by()
                    aria-invalid=code_field.invalid()
                    prop:value=value_of(code)
                    on:input=set_value(code)
                />
            </div>
            <button type="submit" aria-disabled=busy_attr(busy)>
                {busy_label(busy, |t| t.verify_button, |t| t.verifying)}
            </button>
            <Wait until=wait_until text=|t| t.try_again_wait />
        </form>
        <div class="resend">
            <button
                type="button"
                id="resend"
                class="button-secondary"
                disabled=move || { resend_left() > 0 }
                aria-disabled=busy_attr(resending)
                on:click=resend
            >
                {busy_label(resending, |t| t.resend_button, |t| t.sending)}
            </button>
            <Wait until=session.resend_at text=|t| t.resend_wait />
            <p class="notice" role="status">
                {move || {
                    resent
                        .get()
                        .then(|| locale.t().resent.replace("{phone}", &sent_to().unwrap_or_default()))
                }}
            </p>
        </div>
        <p class="back">
            <a href="/sign-in">{tr(|t| t.different_number)}</a>
        </p>
    }
}
