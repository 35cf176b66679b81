//! Mail from the web site (address confirmations, password resets) through the SMTP server of
//! `PRASSI_SMTP_URL`, with `lettre`.

use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use crate::{
    config::MailConfig,
    error::{AppError, AppResult},
};

/// One plain-text message.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Sends `mail`; an instance without mail settings sends nothing and says so.
pub async fn send(cfg: &MailConfig, mail: Mail) -> AppResult<()> {
    let (Some(url), Some(from)) = (&cfg.smtp_url, &cfg.from) else {
        return Err(AppError::Unavailable(
            "this instance sends no mail (PRASSI_SMTP_URL is not set)".into(),
        ));
    };
    let from: Mailbox = from
        .parse()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("PRASSI_MAIL_FROM: {e}")))?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| AppError::invalid_field("email", format!("not an e-mail address: {e}")))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("mail not built: {e}")))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("PRASSI_SMTP_URL: {e}")))?
        .timeout(Some(std::time::Duration::from_secs(20)))
        .build();
    transport.send(message).await.map_err(|e| {
        tracing::warn!(error = %e, "mail not sent");
        AppError::Upstream("the mail could not be sent; try again later".into())
    })?;
    Ok(())
}

/// Whether `email` is an address mail can go to (`name@host`, nothing else).
pub fn is_address(email: &str) -> bool {
    email.parse::<lettre::Address>().is_ok() && !email.contains(char::is_whitespace)
}
