//! Which remote `Article`s become practices here: only those someone here asked for, and
//! only those that pass the publication check a local practice passes. Anything else is
//! unsolicited, and refused with its reason (kept in the inbox log).

use url::Url;

use super::practice::record_from;
use crate::{
    config::host_port,
    db::{
        actors::{self, ActorRow},
        follows,
    },
    domain::practice::{self as rules, PracticeRecord},
    federation::{error::ApplyError, protocol::objects::Article},
    state::Ctx,
};

/// How a remote `Article` reached us, which decides whether it may become a practice here.
#[derive(Debug, Clone, Copy)]
pub enum Arrival<'a> {
    /// Sent by its organisation (`Create`, `Update`).
    Sent,
    /// Shared by this actor (`Announce`), such as a topic of the practice's instance.
    Shared(&'a Url),
    /// Asked for by a local user, by its URL.
    Requested,
    /// Read in the outbox of an instance followed here (a backfill walk asked for it); the
    /// walk takes only objects of that instance's host.
    Walked,
    /// Offered by its organisation to one of our calls, open when it arrived: the hub
    /// takes it whether or not it follows the organisation or its instance.
    Offered,
}

/// Whether an article of `org` that is not stored yet may become a practice here: only when
/// someone here asked for it — follows its organisation, follows the actor of the
/// organisation's instance that shared it (a topic), looked the practice up by its URL, or
/// holds the open call it was offered to.
/// Anything else is unsolicited and refused.
pub async fn admitted(ctx: &Ctx, org: &ActorRow, arrival: Arrival<'_>) -> Result<bool, ApplyError> {
    if follows::followed_here(&ctx.db, org.id).await? {
        return Ok(true);
    }
    Ok(match arrival {
        Arrival::Requested | Arrival::Walked | Arrival::Offered => true,
        Arrival::Sent => false,
        Arrival::Shared(by) if host_port(by) == host_port(&org.ap_id.0) => {
            match actors::by_ap_id(&ctx.db, by.as_str()).await? {
                Some(a) => follows::followed_here(&ctx.db, a.id).await?,
                None => false,
            }
        }
        Arrival::Shared(_) => false,
    })
}

/// Whether an object that `by` sent or shared may be fetched at all: `by` is followed here
/// (an organisation, or a topic), or the object is a practice stored already (then fetching
/// it is a refresh). Anything else is refused before we fetch anything for it, so strangers
/// cannot make this instance fetch addresses of their choosing.
pub async fn worth_fetching(ctx: &Ctx, by: &Url, object: &Url) -> Result<(), ApplyError> {
    if crate::db::practices::by_ap_id(&ctx.db, object.as_str())
        .await?
        .is_some()
    {
        return Ok(());
    }
    let followed = match actors::by_ap_id(&ctx.db, by.as_str()).await? {
        Some(a) => follows::followed_here(&ctx.db, a.id).await?,
        None => false,
    };
    if followed {
        Ok(())
    } else {
        Err(ApplyError::permanent(format!(
            "unsolicited: nobody here follows {by}; {object} was not fetched"
        )))
    }
}

/// The record of a remote `Article`, when it passes the publication check a local practice
/// passes; else why not (every missing or bad field).
pub fn publishable_record(article: &Article) -> Result<PracticeRecord, String> {
    let record = record_from(article);
    match rules::check_publishable(&record) {
        Ok(()) => Ok(record),
        Err(fields) => {
            const SHOWN: usize = 30;
            let mut why: Vec<String> = fields
                .iter()
                .take(SHOWN)
                .map(|(f, m)| format!("{f}: {m}"))
                .collect();
            if fields.len() > SHOWN {
                why.push(format!("and {} more", fields.len() - SHOWN));
            }
            Err(format!("not a publishable practice: {}", why.join("; ")))
        }
    }
}
