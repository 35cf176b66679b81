//! `prassi admin seed-demo`: a handful of realistic published practices, so a newcomer sees a
//! living instance and benchmarks have data. Running it again adds nothing.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use rand::RngCore;

use crate::domain::practice::MediaKind;

use crate::{
    db::{actors, practices::Filter, users},
    domain::{actor::Role, practice_examples},
    error::AppResult,
    service::{
        accounts::{self, NewOrganization},
        media, practices,
    },
    state::Ctx,
};

/// The picture of every demo practice (an illustration of a public assembly) and the
/// document of every attachment that is not a picture (a one-page PDF report), shipped in
/// `assets/demo/` and uploaded as a manager would.
const PICTURE: &[u8] = include_bytes!("../../assets/demo/assemblea.jpg");
const DOCUMENT: &[u8] = include_bytes!("../../assets/demo/rapporto-2024.pdf");

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
    let mut published = Vec::new();
    for ((handle, name, ipa, level, region), mut record) in
        ORGS.into_iter().zip(practice_examples::all())
    {
        let org = match actors::local_by_username(&ctx.db, handle).await? {
            Some(o) => o,
            None => {
                if let Some(other) = actors::local_by_ipa_code(&ctx.db, ipa).await? {
                    println!(
                        "Skipped the demo practice of {name}: the organisation `{}` already has its IPA code {ipa}",
                        other.username
                    );
                    continue;
                }
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
            PICTURE.into(),
            Some("assemblea.jpg".into()),
        )
        .await?;
        let mut document = None;
        for m in record.media.iter_mut() {
            let file = if m.kind == MediaKind::Image {
                picture.clone()
            } else {
                match &document {
                    Some(d) => d,
                    None => document.insert(
                        media::store(
                            &ctx.db,
                            &ctx.config,
                            &manager,
                            DOCUMENT.into(),
                            Some("rapporto-2024.pdf".into()),
                        )
                        .await?,
                    ),
                }
                .clone()
            };
            m.url = url::Url::parse(&file.url)?;
            m.media_type = file.media_type.clone();
        }
        let draft =
            practices::create_draft(ctx, &manager, None, serde_json::to_value(&record)?).await?;
        let view = practices::publish(ctx, &manager, draft.id).await?;
        published.push(view.ap_id);
    }
    Ok(published)
}
