//! Topics: one `Group` actor per sector. Following a topic brings an `Announce` of every
//! practice tagged with its sector (FEP-1b12 style).

use crate::{
    config::Config,
    db::{
        actors::{self, ActorRow},
        Db,
    },
    domain::vocab::Sector,
    error::AppResult,
    service::accounts,
    state::Ctx,
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

/// The topic actor of a sector.
pub async fn topic(ctx: &Ctx, sector: Sector) -> AppResult<Option<ActorRow>> {
    Ok(actors::local_by_username(&ctx.db, sector.slug()).await?)
}
