//! Topics: one `Group` actor per sector. Following a topic brings an `Announce` of every
//! practice tagged with its sector (FEP-1b12 style).

use crate::{
    config::Config,
    db::{actors, Db},
    domain::vocab::Sector,
    error::AppResult,
    service::accounts,
};

/// Creates the topic actors that do not exist yet.
pub async fn ensure(db: &Db, cfg: &Config) -> AppResult<()> {
    for s in Sector::ALL {
        if actors::local_by_username(db, s.slug()).await?.is_none() {
            accounts::create_topic(db, cfg, s.slug(), s.label_en(), s.label_it()).await?;
        }
    }
    Ok(())
}
