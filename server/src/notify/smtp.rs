//! E-mails through an SMTP server (`email_provider = "smtp"`), with `lettre`: plain text,
//! UTF-8, over STARTTLS, TLS or (for a local relay) plain TCP.

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

use super::{Message, NotifyError, SendFuture, Sender};
use crate::config::{Config, SmtpTls};

pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpSender {
    pub fn from_config(config: &Config) -> Result<SmtpSender, NotifyError> {
        let missing = |key: &str| NotifyError::Unavailable(format!("{key} is not configured"));
        let host = config
            .smtp_host
            .as_deref()
            .filter(|h| !h.trim().is_empty())
            .ok_or_else(|| missing("smtp_host"))?
            .trim();
        let from: Mailbox = config
            .smtp_from
            .as_deref()
            .ok_or_else(|| missing("smtp_from"))?
            .parse()
            .map_err(|_| NotifyError::Unavailable("smtp_from is not an e-mail address".into()))?;
        let setup = |e: lettre::transport::smtp::Error| {
            NotifyError::Unavailable(format!("cannot set up SMTP: {e}"))
        };
        let builder = match config.smtp_tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(setup)?
            }
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(setup)?,
        };
        let mut builder = builder
            .port(config.smtp_port)
            .timeout(Some(Duration::from_secs(20)));
        if let Some(user) = config.smtp_username.as_deref().filter(|u| !u.is_empty()) {
            let password = config
                .smtp_password
                .as_ref()
                .map(|p| p.expose().to_owned())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.to_owned(), password));
        }
        Ok(SmtpSender {
            transport: builder.build(),
            from,
        })
    }

    async fn send_email(&self, to: &str, subject: &str, body: &str) -> Result<(), NotifyError> {
        let to: Mailbox = to
            .parse()
            .map_err(|_| NotifyError::Recipient("not an e-mail address".into()))?;
        let mail = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| NotifyError::Recipient(format!("cannot build the e-mail: {e}")))?;
        match self.transport.send(mail).await {
            Ok(_) => Ok(()),
            // A permanent refusal (5xx) is about this message or recipient; anything else may
            // work later.
            Err(e) if e.is_permanent() => Err(NotifyError::Recipient(e.to_string())),
            Err(e) => Err(NotifyError::Unavailable(e.to_string())),
        }
    }
}

impl Sender for SmtpSender {
    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            match message {
                Message::Email { to, subject, body } => self.send_email(to, subject, body).await,
                Message::Sms { .. } => Err(NotifyError::Unavailable(
                    "the SMTP sender only sends e-mails".into(),
                )),
            }
        })
    }
}
