//! English. Plain words, short sentences (UX.md "Words").

use super::Strings;

pub const EN: Strings = Strings {
    product_name: "Patient Portal",
    skip_to_content: "Skip to main content",
    language_switch_hint: "Change language:",
    other_language_name: "Español",

    home_page_title: "Home",
    home_heading: "Welcome to your patient portal",
    home_intro: "Soon you will be able to use this portal to:",
    home_can_message: "Send messages to your practice and read their replies",
    home_can_records: "See your documents, appointments, treatment plans and forms",
    home_can_family: "Do all of this for your children or a family member you care for",

    status_label: "Service status:",
    status_checking: "Checking…",
    status_connected: "Connected",
    status_unreachable: "Can't reach the practice right now",
    status_retry: "Check again",

    not_found_page_title: "Page not found",
    not_found_heading: "We can't find that page",
    not_found_body: "The address may have a typo, or the page may have moved.",
    go_home: "Go to the home page",

    error_page_title: "Something went wrong",
    error_heading: "Sorry, something went wrong",
    error_body: "Please try again. If it keeps happening, call your practice.",
    error_reload: "Reload the page",

    error_network: "We can't connect. Check your internet connection and try again.",
    error_server: "Something went wrong on our side. Please try again in a few minutes.",
    error_rate_limited: "Too many tries. Please wait a few minutes and try again.",
    error_signed_out: "You have been signed out. Please sign in again.",
    error_not_found: "We can't find what you asked for.",
};
