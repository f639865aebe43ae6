//! Texts and e-mails leave through one interface: the development outbox, Twilio for texts
//! (`sms_provider`), SMTP for e-mails (`email_provider`).

pub mod outbox;
pub mod smtp;
pub mod twilio;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Sms {
        to: String,
        body: String,
    },
    Email {
        to: String,
        subject: String,
        body: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The provider refused this recipient (invalid number, bad address).
    #[error("the recipient cannot receive messages: {0}")]
    Recipient(String),
    /// The recipient texted STOP to our number; nothing can be sent until they text START.
    #[error("the recipient has opted out of texts: {0}")]
    OptedOut(String),
    /// The provider asks us to slow down.
    #[error("the message service is rate limiting us: {0}")]
    RateLimited(String),
    /// The provider is busy or unreachable; trying later may work.
    #[error("the message service is unavailable: {0}")]
    Unavailable(String),
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send + 'a>>;

pub trait Sender: Send + Sync {
    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a>;
}

/// Where texts and where e-mails go; each can be configured on its own.
#[derive(Clone)]
pub struct Notifier {
    pub sms: Arc<dyn Sender>,
    pub email: Arc<dyn Sender>,
}

impl Notifier {
    pub fn outbox(store: crate::store::Store, clock: crate::clock::Clock) -> Notifier {
        let outbox: Arc<dyn Sender> = Arc::new(outbox::DevOutbox { store, clock });
        Notifier {
            sms: outbox.clone(),
            email: outbox,
        }
    }

    /// Texts through the configured `sms_provider`, e-mails through the configured `email_provider`.
    pub fn from_config(
        config: &crate::config::Config,
        store: crate::store::Store,
        clock: crate::clock::Clock,
    ) -> Result<Notifier, NotifyError> {
        let mut notifier = Notifier::outbox(store, clock);
        if config.sms_provider == crate::config::SmsProvider::Twilio {
            notifier.sms = Arc::new(twilio::TwilioSender::from_config(config)?);
        }
        if config.email_provider == crate::config::EmailProvider::Smtp {
            notifier.email = Arc::new(smtp::SmtpSender::from_config(config)?);
        }
        Ok(notifier)
    }

    pub async fn send(&self, message: &Message) -> Result<(), NotifyError> {
        match message {
            Message::Sms { .. } => self.sms.send(message).await,
            Message::Email { .. } => self.email.send(message).await,
        }
    }
}
