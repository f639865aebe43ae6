//! The configuration as an operator meets it: layering, every key's checks, one clear message.

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The error `Config::load` gives for these variables (and no file), as text.
fn load_error(pairs: &[(&str, &str)]) -> String {
    Config::load(None, env(pairs)).unwrap_err().to_string()
}

fn file(text: &str) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), text).unwrap();
    f
}

#[test]
fn defaults_then_file_then_environment() {
    let f = file("bind = \"127.0.0.1:9000\"\nmode = \"production\"\n");
    let c = Config::load(
        Some(f.path()),
        env(&[("PORTAL_BIND", "127.0.0.1:9100"), ("HOME", "/x")]),
    )
    .unwrap();
    assert_eq!(c.bind.port(), 9100);
    assert_eq!(c.mode, Mode::Production);
    assert_eq!(c.database_url, "sqlite://.data/portal.db");
}

#[test]
fn unknown_keys_are_errors_that_name_them() {
    let f = file("bnd = \"127.0.0.1:9000\"\n");
    let e = Config::load(Some(f.path()), env(&[]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("bnd"), "{e}");
    let e = load_error(&[("PORTAL_BINDD", "x")]);
    assert!(
        e.contains("PORTAL_BINDD") && e.contains("PORTAL_BIND"),
        "{e}"
    );
}

#[test]
fn bad_values_are_errors_that_name_the_variable() {
    let e = load_error(&[("PORTAL_BIND", "localhost")]);
    assert!(e.contains("PORTAL_BIND"), "{e}");
    let e = load_error(&[("PORTAL_MODE", "prod")]);
    assert!(e.contains("PORTAL_MODE"), "{e}");
    let e = load_error(&[("PORTAL_DATABASE_URL", "mysql://x")]);
    assert!(e.contains("sqlite://"), "{e}");
    let e = Config::load(Some(std::path::Path::new("/no/such/portal.toml")), env(&[]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("/no/such/portal.toml"), "{e}");
}

#[test]
fn sign_in_keys_with_defaults_and_checks() {
    let c = Config::load(None, env(&[("PORTAL_MODE", "development")])).unwrap();
    assert_eq!(c.public_host().unwrap(), "127.0.0.1");
    assert_eq!(c.sms_provider, SmsProvider::Outbox);
    assert_eq!(c.sign_in_codes_per_ip_per_hour, 20);
    c.check_serve().unwrap();
    let c = Config::load(
        None,
        env(&[
            ("PORTAL_PUBLIC_URL", "https://portal.example.com:8443/"),
            ("PORTAL_SIGN_IN_CODES_PER_IP_PER_HOUR", "50"),
        ]),
    )
    .unwrap();
    assert_eq!(c.public_host().unwrap(), "portal.example.com");
    assert_eq!(c.public_base(), "https://portal.example.com:8443");
    assert_eq!(c.sign_in_codes_per_ip_per_hour, 50);
    assert!(!c.trust_forwarded_for);
    let c = Config::load(None, env(&[("PORTAL_TRUST_FORWARDED_FOR", "true")])).unwrap();
    assert!(c.trust_forwarded_for);
    let e = load_error(&[("PORTAL_TRUST_FORWARDED_FOR", "maybe")]);
    assert!(e.contains("PORTAL_TRUST_FORWARDED_FOR"), "{e}");
    let e = load_error(&[("PORTAL_PUBLIC_URL", "portal.example.com")]);
    assert!(e.contains("PORTAL_PUBLIC_URL"), "{e}");
}

#[test]
fn production_serving_needs_a_long_secret_key() {
    let c = Config::load(None, env(&[("PORTAL_MODE", "production")])).unwrap();
    let e = c.check_serve().unwrap_err().to_string();
    assert!(e.contains("PORTAL_SECRET_KEY"), "{e}");
    let e = load_error(&[("PORTAL_SECRET_KEY", "short")]);
    assert!(e.contains("at least 32 bytes"), "{e}");
    let key = "k".repeat(32);
    let c = Config::load(
        None,
        env(&[
            ("PORTAL_MODE", "production"),
            ("PORTAL_SECRET_KEY", &key),
            ("PORTAL_PUBLIC_URL", "https://portal.example.com"),
            ("PORTAL_ALLOW_OUTBOX_IN_PRODUCTION", "true"),
        ]),
    )
    .unwrap();
    c.check_serve().unwrap();
    assert!(
        !format!("{c:?}").contains(&key),
        "secrets stay out of Debug"
    );
}

#[test]
fn no_configuration_is_production_and_names_everything_it_needs() {
    let c = Config::load(None, env(&[])).unwrap();
    assert_eq!(c.mode, Mode::Production);
    assert!(!c.is_development());
    let e = c.check_serve().unwrap_err().to_string();
    for needed in [
        "PORTAL_SECRET_KEY",
        "PORTAL_PUBLIC_URL",
        "PORTAL_SMS_PROVIDER",
        "PORTAL_EMAIL_PROVIDER",
        "PORTAL_ALLOW_OUTBOX_IN_PRODUCTION",
        "PORTAL_MODE=development",
    ] {
        assert!(e.contains(needed), "{needed} missing from: {e}");
    }
    assert!(!e.contains('\n'), "one line: {e}");
}

#[test]
fn production_with_real_providers_needs_no_outbox_key() {
    let key = "k".repeat(32);
    let texts_sent: &[(&str, &str)] = &[
        ("PORTAL_SECRET_KEY", &key),
        ("PORTAL_PUBLIC_URL", "https://portal.example.com"),
        ("PORTAL_SMS_PROVIDER", "twilio"),
        ("PORTAL_TWILIO_ACCOUNT_SID", "AC123"),
        ("PORTAL_TWILIO_AUTH_TOKEN", "tok"),
        ("PORTAL_TWILIO_FROM", "+19725550100"),
    ];
    let c = Config::load(None, env(texts_sent)).unwrap();
    let e = c.check_serve().unwrap_err().to_string();
    assert!(e.contains("PORTAL_EMAIL_PROVIDER"), "{e}");
    assert!(!e.contains("PORTAL_SMS_PROVIDER"), "{e}");
    assert!(!e.contains("PORTAL_SECRET_KEY"), "{e}");
    let e_mails_sent = [
        ("PORTAL_EMAIL_PROVIDER", "smtp"),
        ("PORTAL_SMTP_HOST", "mail.example.com"),
        ("PORTAL_SMTP_FROM", "Portal <portal@example.com>"),
    ];
    let c = Config::load(None, env(&[texts_sent, &e_mails_sent].concat())).unwrap();
    c.check_serve().unwrap();
}

#[test]
fn the_example_file_loads_and_documents_every_key() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../portal.example.toml");
    let c = Config::load(Some(std::path::Path::new(path)), env(&[])).unwrap();
    assert_eq!(c.mode, Mode::Production);
    assert_eq!(c.public_host().unwrap(), "portal.example.com");
    let text = std::fs::read_to_string(path).unwrap();
    for key in keys() {
        let var = format!("PORTAL_{}", key.to_uppercase());
        assert!(text.contains(&var), "{var} is not in portal.example.toml");
        assert!(
            text.contains(&format!("{key} =")),
            "{key} is not in portal.example.toml"
        );
    }
}

#[test]
fn s3_storage_needs_its_keys() {
    let c = Config::load(None, env(&[])).unwrap();
    assert_eq!(c.storage, StorageKind::Local);
    let e = load_error(&[("PORTAL_STORAGE", "s3")]);
    assert!(e.contains("PORTAL_S3_BUCKET"), "{e}");
    let e = load_error(&[("PORTAL_STORAGE", "s3"), ("PORTAL_S3_BUCKET", "files")]);
    assert!(e.contains("PORTAL_S3_ACCESS_KEY_ID"), "{e}");
    let e = load_error(&[
        ("PORTAL_STORAGE", "s3"),
        ("PORTAL_S3_BUCKET", "files"),
        ("PORTAL_S3_ACCESS_KEY_ID", "AKIA"),
    ]);
    assert!(e.contains("PORTAL_S3_SECRET_ACCESS_KEY"), "{e}");
    let e = load_error(&[("PORTAL_STORAGE", "ftp")]);
    assert!(e.contains("PORTAL_STORAGE"), "{e}");
    let c = Config::load(
        None,
        env(&[
            ("PORTAL_STORAGE", "s3"),
            ("PORTAL_S3_BUCKET", "files"),
            ("PORTAL_S3_ACCESS_KEY_ID", "AKIA"),
            ("PORTAL_S3_SECRET_ACCESS_KEY", "secret"),
            ("PORTAL_S3_ALLOW_HTTP", "yes"),
        ]),
    )
    .unwrap();
    assert!(c.s3_allow_http);
    assert!(
        !format!("{c:?}").contains("secret\""),
        "the secret is never printed"
    );
}

#[test]
fn smtp_needs_its_keys() {
    let c = Config::load(None, env(&[])).unwrap();
    assert_eq!(c.email_provider, EmailProvider::Outbox);
    let e = load_error(&[("PORTAL_EMAIL_PROVIDER", "smtp")]);
    assert!(e.contains("PORTAL_SMTP_HOST"), "{e}");
    let e = load_error(&[
        ("PORTAL_EMAIL_PROVIDER", "smtp"),
        ("PORTAL_SMTP_HOST", "mail.example.com"),
    ]);
    assert!(e.contains("PORTAL_SMTP_FROM"), "{e}");
    let e = load_error(&[
        ("PORTAL_EMAIL_PROVIDER", "smtp"),
        ("PORTAL_SMTP_HOST", "mail.example.com"),
        ("PORTAL_SMTP_FROM", "not an address"),
    ]);
    assert!(e.contains("PORTAL_SMTP_FROM"), "{e}");
    let e = load_error(&[
        ("PORTAL_EMAIL_PROVIDER", "smtp"),
        ("PORTAL_SMTP_HOST", "mail.example.com"),
        ("PORTAL_SMTP_FROM", "Portal <portal@example.com>"),
        ("PORTAL_SMTP_USERNAME", "portal"),
    ]);
    assert!(e.contains("PORTAL_SMTP_PASSWORD"), "{e}");
    let c = Config::load(
        None,
        env(&[
            ("PORTAL_EMAIL_PROVIDER", "smtp"),
            ("PORTAL_SMTP_HOST", "mail.example.com"),
            ("PORTAL_SMTP_PORT", "465"),
            ("PORTAL_SMTP_TLS", "tls"),
            ("PORTAL_SMTP_FROM", "Portal <portal@example.com>"),
        ]),
    )
    .unwrap();
    assert_eq!(c.smtp_port, 465);
    assert_eq!(c.smtp_tls, SmtpTls::Tls);
    let e = load_error(&[("PORTAL_SMTP_TLS", "ssl")]);
    assert!(e.contains("PORTAL_SMTP_TLS"), "{e}");
}

#[test]
fn twilio_needs_its_keys() {
    let e = load_error(&[("PORTAL_SMS_PROVIDER", "twilio")]);
    assert!(e.contains("PORTAL_TWILIO_ACCOUNT_SID"), "{e}");
    let e = load_error(&[
        ("PORTAL_SMS_PROVIDER", "twilio"),
        ("PORTAL_TWILIO_ACCOUNT_SID", "AC123"),
        ("PORTAL_TWILIO_AUTH_TOKEN", "tok"),
    ]);
    assert!(e.contains("PORTAL_TWILIO_FROM"), "{e}");
    let c = Config::load(
        None,
        env(&[
            ("PORTAL_SMS_PROVIDER", "twilio"),
            ("PORTAL_TWILIO_ACCOUNT_SID", "AC123"),
            ("PORTAL_TWILIO_AUTH_TOKEN", "tok"),
            ("PORTAL_TWILIO_MESSAGING_SERVICE_SID", "MG1"),
        ]),
    )
    .unwrap();
    assert_eq!(c.sms_provider, SmsProvider::Twilio);
    let e = load_error(&[("PORTAL_SMS_PROVIDER", "carrier-pigeon")]);
    assert!(e.contains("PORTAL_SMS_PROVIDER"), "{e}");
}

#[test]
fn the_keys_are_the_fields_and_each_has_its_variable() {
    let debug = format!("{:?}", Config::default());
    let fields = debug.matches(": ").count();
    assert_eq!(keys().len(), fields, "one key per field: {debug}");
    for key in keys() {
        assert!(debug.contains(&format!("{key}: ")), "{key} is not a field");
    }
    let c = Config::load(None, env(&[("PORTAL_SMTP_PORT", "2525")])).unwrap();
    assert_eq!(c.smtp_port, 2525, "a number for a number key");
    let c = Config::load(None, env(&[("PORTAL_TWILIO_FROM", "+19725550100")])).unwrap();
    assert_eq!(
        c.twilio_from.as_deref(),
        Some("+19725550100"),
        "text stays text"
    );
    let e = load_error(&[("PORTAL_SMTP_PORT", "many")]);
    assert!(e.contains("PORTAL_SMTP_PORT"), "{e}");
    let e = load_error(&[("PORTAL_bind", "127.0.0.1:9000")]);
    assert!(
        e.contains("unknown environment variable PORTAL_bind"),
        "{e}"
    );
}
