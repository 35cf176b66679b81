//! `prassi admin seed-demo`: a handful of realistic published practices, so a newcomer sees a
//! living instance and benchmarks have data. Running it again adds nothing.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use rand::RngCore;

use crate::{
    db::{actors, practices::Filter, users},
    domain::{actor::Role, practice_examples},
    error::{AppError, AppResult},
    service::{
        accounts::{self, NewOrganization},
        media, practices,
    },
    state::Ctx,
};

/// A 1×1 PNG, the placeholder picture of each demo practice.
const PLACEHOLDER_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// The organisation of each example, in the order of `practice_examples::all()`.
const ORGS: [(&str, &str, &str, &str, &str); 3] = [
    (
        "comune-di-bari",
        "Comune di Bari",
        "c_a662",
        "local",
        "ITF4",
    ),
    (
        "regione-emilia-romagna",
        "Regione Emilia-Romagna",
        "r_emiro",
        "regional",
        "ITH5",
    ),
    (
        "comune-di-bergamo",
        "Comune di Bergamo",
        "c_a794",
        "local",
        "ITC4",
    ),
];

/// Creates the demo organisations, their managers and one published practice each. Returns
/// the URLs of the practices it published.
pub async fn seed(ctx: &Ctx) -> AppResult<Vec<String>> {
    let png = B64
        .decode(PLACEHOLDER_PNG)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("placeholder: {e}")))?;
    let mut published = Vec::new();
    for ((handle, name, ipa, level, region), mut record) in
        ORGS.into_iter().zip(practice_examples::all())
    {
        let org = match actors::local_by_username(&ctx.db, handle).await? {
            Some(o) => o,
            None => {
                accounts::create_organization(
                    &ctx.db,
                    &ctx.config,
                    NewOrganization {
                        handle: handle.into(),
                        name: name.into(),
                        ipa_code: Some(ipa.into()),
                        level: Some(level.into()),
                        region: Some(region.into()),
                        ..Default::default()
                    },
                )
                .await?
            }
        };
        let manager_name = format!("demo-{handle}");
        let manager = match users::by_username(&ctx.db, &manager_name).await? {
            Some(u) => u,
            None => {
                let mut pw = [0u8; 18];
                rand::thread_rng().fill_bytes(&mut pw);
                let display = format!("Demo manager, {name}");
                accounts::create_user(
                    &ctx.db,
                    &ctx.config,
                    &manager_name,
                    Role::Manager,
                    Some(handle),
                    &B64.encode(pw),
                    Some(&display),
                )
                .await?
            }
        };
        let existing = crate::db::practices::list(
            &ctx.db,
            &Filter {
                organization_id: Some(org.id),
                ..Default::default()
            },
            1,
            0,
        )
        .await?;
        if !existing.is_empty() {
            tracing::info!(organisation = handle, "already has practices; skipped");
            continue;
        }
        let picture = media::store(
            &ctx.db,
            &ctx.config,
            &manager,
            png.clone().into(),
            Some("demo.png".into()),
        )
        .await?;
        for m in record.media.iter_mut() {
            m.url = url::Url::parse(&picture.url)?;
            m.media_type = picture.media_type.clone();
        }
        let draft =
            practices::create_draft(ctx, &manager, None, serde_json::to_value(&record)?).await?;
        let view = practices::publish(ctx, &manager, draft.id).await?;
        published.push(view.ap_id);
    }
    Ok(published)
}
