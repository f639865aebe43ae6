//! The development outbox: messages are written to the database (so every instance sees them)
//! and shown at `/dev/outbox` instead of being delivered.

use super::{Message, NotifyError, SendFuture, Sender};
use crate::clock::Clock;
use crate::store::Store;

pub struct DevOutbox {
    pub store: Store,
    /// Gives each message its `sent_at`.
    pub clock: Clock,
}

impl Sender for DevOutbox {
    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            let (channel, to, subject, body) = match message {
                Message::Sms { to, body } => ("sms", to, None, body),
                Message::Email { to, subject, body } => ("email", to, Some(subject.as_str()), body),
            };
            self.store
                .append_outbox(channel, to, subject, body, self.clock.now_ms())
                .await
                .map_err(|e| NotifyError::Unavailable(e.to_string()))
        })
    }
}
