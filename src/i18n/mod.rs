//! Every word the portal shows, in English and Spanish.
//!
//! The choice: one typed catalog. [`Strings`] has one field per message and each language is a
//! `const` of that struct (`en.rs`, `es.rs`), so a message missing from a language is a compile
//! error, lookups cost nothing at run time, and no translation files are fetched. Adding a
//! message means adding a field here and writing it in both languages. The unit tests below
//! check that no message is empty and that Spanish is really translated.
//!
//! The person's language lives in a [`Locale`] signal in context (`locale.rs`, with [`tr`] and
//! [`tr_with`] for views); [`preference`] picks the first one (remembered choice, else the
//! browser's language) and remembers changes. The catalog's checks are in `tests.rs`.

mod en;
mod es;
mod locale;
pub mod preference;

pub use locale::{tr, tr_with, use_locale, Locale};
pub use wire::api::Language;

/// Declares [`Strings`] and [`Strings::entries`] from one list, so the two cannot drift.
macro_rules! catalog {
    ($($(#[doc = $doc:literal])* $key:ident,)*) => {
        /// One language's messages. Field names say where a message is used.
        #[derive(Debug)]
        pub struct Strings {
            $($(#[doc = $doc])* pub $key: &'static str,)*
        }

        impl Strings {
            /// Every `(key, message)` pair, in declaration order.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key),)*]
            }
        }
    };
}

catalog! {
    /// The product's name, in the header and after each page title.
    product_name,
    /// The first link on every page, for keyboard users.
    skip_to_content,
    /// Hidden words before the other language's name on the language button.
    language_switch_hint,
    /// The other language, in that language: what the language button switches to.
    other_language_name,

    /// Home page: the tab title.
    home_page_title,
    /// Home page: the heading.
    home_heading,
    /// Home page: the sentence before the list of what the portal does.
    home_intro,
    home_can_message,
    home_can_records,
    home_can_family,

    /// The live line that says whether the practice's server answers.
    status_label,
    status_checking,
    status_connected,
    status_unreachable,
    /// Button that checks the connection again.
    status_retry,

    not_found_page_title,
    not_found_heading,
    not_found_body,
    /// Link back to the home page, on the 404 and error pages.
    go_home,

    error_page_title,
    error_heading,
    error_body,
    error_reload,

    /// API client errors, shown next to whatever failed.
    error_network,
    error_server,
    error_rate_limited,
    error_signed_out,
    error_not_found,

    /// Shared pieces.
    loading,
    /// The error summary's heading, above the list of problems on a form.
    error_summary_title,
    /// Hidden before each field's error, so screen readers say it is one.
    error_prefix,
    /// Time left, in words: `{n}` is a number. "1 minute and 5 seconds".
    time_second_one,
    time_seconds,
    time_minute_one,
    time_minutes,
    time_and,

    /// Header: ends the session on the server.
    sign_out,
    signing_out,
    /// Home page links.
    home_sign_in,
    home_go_to_practices,

    /// `/sign-in`: the phone number page.
    sign_in_page_title,
    sign_in_heading,
    phone_label,
    phone_hint,
    remember_label,
    remember_hint,
    send_code_button,
    sending,
    /// What the sign-in page says after a sign-out (role=status).
    signed_out_notice,
    idle_signed_out_notice,
    absolute_signed_out_notice,

    /// Phone number errors, from `wire::PhoneError` or the server's `phone_*` codes.
    phone_empty,
    phone_invalid_characters,
    phone_not_us,
    phone_wrong_length,
    phone_invalid_area_code,
    phone_invalid_exchange,
    /// The text provider refused the number (422 phone_undeliverable): a landline, say.
    phone_undeliverable,
    /// The number texted STOP (403 opted_out).
    opted_out,
    /// The text provider is down (503 sms_unavailable).
    sms_unavailable,
    /// Limits; `{time}` is the wait in words.
    too_many_codes,
    too_many_requests,
    /// Under the buttons while a limit lasts; counts down.
    resend_wait,
    try_again_wait,

    /// `/sign-in/code`: the code page. `{phone}` is `•••• 5861`.
    code_page_title,
    code_heading,
    code_sent_to,
    code_expires,
    code_label,
    code_hint,
    verify_button,
    verifying,
    resend_button,
    resent,
    different_number,

    /// Code errors, from `wire::CodeError` or the server's answers.
    code_empty,
    code_not_digits,
    code_wrong_length,
    code_incorrect,
    code_expired,
    code_locked,

    /// `/practices` and `/practices/{slug}`.
    practices_page_title,
    practices_heading,
    practice_phone,
    practice_other,

    /// `/practices/{slug}`: the patients this account acts for there.
    patients_heading,
    rel_self,
    rel_guardian,
    rel_linked,
    /// Badges: words beside an icon, never colour alone.
    badge_verified,
    badge_needs_check,
    badge_locked,
    /// `{date}` is `03/2016`, shown only where two patients share a first name.
    born,
    /// Unread practice messages, in words (never a coloured dot alone).
    unread_one,
    unread,
    /// Link to `/practices/{slug}/add-dependent`; also that page's title and heading.
    add_dependent_link,

    /// The bar at the top of every patient page.
    bar_label,
    bar_patient,
    switch_patient,
    switch_practice,

    /// `/patients/{id}/verify`. `{name}` is the patient's first name.
    verify_page_title,
    verify_heading,
    verify_heading_self,
    verify_why,
    dob_hint,
    month_label,
    day_label,
    year_label,
    check_dob_button,
    /// Date errors, from `wire::DobError` or the server's `dob_*` codes.
    dob_missing,
    dob_not_a_number,
    dob_invalid_month,
    dob_invalid_day,
    dob_year_not_four_digits,
    dob_too_old,
    dob_in_future,
    /// A wrong answer (403 dob_incorrect): it is the patient's date of birth that is asked.
    dob_incorrect,
    dob_incorrect_self,

    /// `/patients/{id}/activate`: a guardian's own details, once.
    activate_page_title,
    activate_heading,
    activate_intro,
    first_name_label,
    last_name_label,
    own_dob_legend,
    first_name_empty,
    last_name_empty,
    continue_button,

    /// `/patients/{id}/locked`. `{practice}` is the practice's name.
    locked_page_title,
    locked_heading,
    locked_body,
    locked_over,
    locked_call,

    /// `/patients/{id}`.
    patient_page_title,
    dob_label,
    practice_label,
    access_history_link,

    /// `/patients/{id}/access-history`.
    history_page_title,
    history_intro,
    history_empty,
    who_practice,
    who_guardian,
    who_self,
    who_linked,
    action_view,
    action_verify,
    action_activate,
    action_practice,
    action_history,
    back_to_patient,

    /// The language for the browser's date formatting (`Intl`).
    locale_code,

    /// `/practices` when nothing is linked to the number yet. `{phone}` is `•••• 5861`.
    no_records_page_title,
    no_records_heading,
    no_records_intro,
    no_records_ways,
    no_records_link,
    no_records_ask,

    /// The dialog 2 minutes before the idle timeout. `{time}` counts down.
    idle_heading,
    idle_body,
    /// Instead of `idle_body` when the 12-hour limit comes first ("stay" cannot help then).
    absolute_body,
    stay_signed_in,

    /// `/patients/{id}/messages`. `{practice}` is the practice's name.
    messages_link,
    messages_heading,
    messages_empty,
    /// Label of system messages (centred, between the two sides).
    msg_system,
    /// A `dependent_added` system message: `{name}` is the guardian, `{patient}` the patient.
    msg_dependent_added,
    msg_sent,
    msg_read,
    msg_not_sent,
    try_again,
    show_earlier,
    message_label,
    message_hint,
    send_message_button,
    message_empty,
    /// `{n}` is the count of characters, like 5,001.
    message_too_long,
    /// Said by screen readers when a message arrives. `{name}` is who wrote it.
    new_message_from,

    /// `/practices/{slug}/add-dependent`.
    add_dependent_intro,
    dependent_first_name,
    dependent_last_name,
    dependent_first_name_empty,
    dependent_last_name_empty,
    name_too_long,
    name_control_characters,
    sex_legend,
    sex_female,
    sex_male,
    sex_other,
    sex_unknown,
    sex_required,
    add_dependent_button,
    adding,
    guardian_link_required,
    /// Medical access links (SPEC 3.6): `/link/{token}` and `/link`.
    have_code_link,
    link_page_title,
    /// `{name}`: the patient's full name; `{practice}`: the practice's name.
    link_heading,
    link_intro,
    link_confirm_button,
    link_not_now,
    link_dead_heading,
    link_dead_body,
    link_already_heading,
    link_already_body,
    link_see_records,
    link_code_heading,
    link_code_hint,
    link_code_empty,
    link_code_unusable,
    /// Linked records (SPEC 3.7.1).
    records_link,
    records_heading,
    appointments_heading,
    appointments_upcoming,
    appointments_past,
    appointments_empty,
    appt_scheduled,
    appt_confirmed,
    appt_cancelled,
    appt_completed,
    appt_no_show,
    documents_heading,
    documents_empty,
    download,
    plans_heading,
    plans_empty,
    /// `{date}`.
    updated_on,
    forms_heading,
    forms_empty,
    form_assigned,
    form_in_progress,
    form_completed,
    /// `{date}`.
    due_on,
    /// Profile (SPEC 3.7.2).
    profile_link,
    profile_heading,
    profile_intro,
    address_legend,
    address_line1_label,
    address_line2_label,
    city_label,
    state_label,
    state_hint,
    zip_label,
    email_label,
    language_legend,
    language_en,
    language_es,
    save_button,
    saving,
    profile_saved,
    zip_invalid,
    state_invalid,
    email_invalid,
    text_too_long,
    /// The caregiver overview.
    overview_link,
    overview_heading,
    overview_intro,
    overview_empty,
    /// `{date}`.
    next_appointment,
    no_next_appointment,
    /// File upload (SPEC 3.8): the picker in the message box and on the documents page.
    attach_files,
    take_photo,
    files_hint,
    /// Buttons beside a chosen file; its name follows, hidden, for screen readers.
    remove_file,
    cancel_upload,
    /// `{n}` is the percent done.
    uploading,
    uploaded,
    upload_cancelled,
    /// `{size}` is like "1.2 MB".
    files_total,
    /// `{name}`: the files' names.
    files_not_ready,
    /// Refusals and failures, each naming the file (`{name}`); `{reason}` is an API error's words.
    file_too_large,
    file_type_not_allowed,
    file_empty,
    file_too_many,
    file_name_invalid,
    upload_interrupted,
    upload_failed,
    /// What kind of file an attachment is, beside its size.
    file_kind_pdf,
    file_kind_image,
    /// Hidden heading of a message's files.
    attachments_label,
    /// Documents the patient side sent (SPEC 3.8), on the documents page.
    sent_to_practice,
    send_documents_heading,
    send_documents_intro,
    note_label,
    send_documents_button,
    /// `{practice}`.
    documents_sent,
    choose_files_first,
    note_too_long,
}

/// The catalog for a language.
pub fn strings(language: Language) -> &'static Strings {
    match language {
        Language::En => &en::EN,
        Language::Es => &es::ES,
    }
}

impl Strings {
    /// A wait in words: "25 seconds", "1 minute and 5 seconds", "47 minutes" (from 10 minutes
    /// up, rounded up to whole minutes: seconds would be noise).
    pub fn time(&self, seconds: u64) -> String {
        let unit = |n: u64, one: &str, many: &str| {
            if n == 1 {
                one.to_owned()
            } else {
                many.replace("{n}", &n.to_string())
            }
        };
        if seconds < 60 {
            return unit(seconds, self.time_second_one, self.time_seconds);
        }
        if seconds >= 600 {
            return unit(
                seconds.div_ceil(60),
                self.time_minute_one,
                self.time_minutes,
            );
        }
        let minutes = unit(seconds / 60, self.time_minute_one, self.time_minutes);
        match seconds % 60 {
            0 => minutes,
            s => format!(
                "{minutes}{}{}",
                self.time_and,
                unit(s, self.time_second_one, self.time_seconds)
            ),
        }
    }
}

#[cfg(test)]
mod tests;
