//! `prassi admin seed-demo`: a handful of realistic published practices, with a discussion
//! (comments with stances and replies) and endorsements, so a newcomer sees a living instance
//! and benchmarks have data. Running it again adds nothing. The endorsements count in the
//! good index only when their readers' reading is complete: seed with
//! `PRASSI_READING_MIN_FRACTION=0` for an index that is not zero.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use rand::RngCore;

use crate::domain::practice::MediaKind;

use crate::{
    db::{actors, practices::Filter, users},
    domain::{actor::Role, comment::Stance, practice_examples},
    error::AppResult,
    service::{
        accounts::{self, NewOrganization},
        comments, media, participation, practices,
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
    discuss(ctx).await?;
    Ok(published)
}

/// One comment of the demo discussion: who writes it (a user name), on which organisation's
/// practice, answering which earlier comment of the list, with which stance.
struct Said {
    by: &'static str,
    on: &'static str,
    reply_to: Option<usize>,
    stance: Option<Stance>,
    text: &'static str,
}

const DISCUSSION: [Said; 5] = [
    Said {
        by: "demo-regione-emilia-romagna",
        on: "comune-di-bari",
        reply_to: None,
        stance: Some(Stance::Positive),
        text: "Abbiamo proposto lo stesso vincolo di spesa a tre comuni emiliani: decidere prima \
               del voto quanto si spende è ciò che ha convinto i consigli.",
    },
    Said {
        by: "demo-comune-di-bari",
        on: "comune-di-bari",
        reply_to: Some(0),
        stance: None,
        text: "Grazie! Il regolamento che abbiamo approvato è tra i link utili della pratica.",
    },
    Said {
        by: "demo-cittadina",
        on: "comune-di-bari",
        reply_to: None,
        stance: Some(Stance::Negative),
        text: "Il voto online con SPID lascia fuori chi non ce l'ha: servono più seggi nelle \
               biblioteche e orari serali.",
    },
    Said {
        by: "demo-comune-di-bergamo",
        on: "comune-di-bari",
        reply_to: Some(2),
        stance: Some(Stance::Neutral),
        text: "A Bergamo abbiamo aperto punti di assistenza SPID nei quartieri durante le \
               settimane di voto: ha aiutato soprattutto gli over 65.",
    },
    Said {
        by: "demo-cittadina",
        on: "regione-emilia-romagna",
        reply_to: None,
        stance: Some(Stance::Positive),
        text: "Ho seguito due moduli online: chiari e con esercizi sui dati veri del mio comune.",
    },
];

/// Endorsements: who, of which organisation's practice, positive or not, and the comment of
/// the discussion that says why.
const ENDORSEMENTS: [(&str, &str, bool, Option<usize>); 3] = [
    (
        "demo-regione-emilia-romagna",
        "comune-di-bari",
        true,
        Some(0),
    ),
    ("demo-comune-di-bergamo", "comune-di-bari", true, None),
    ("demo-comune-di-bari", "regione-emilia-romagna", true, None),
];

/// The demo's discussion and endorsements, once: a practice that has comments already is
/// left as it is.
async fn discuss(ctx: &Ctx) -> AppResult<()> {
    let mut practice_of = std::collections::HashMap::new();
    for (handle, ..) in ORGS {
        let Some(org) = actors::local_by_username(&ctx.db, handle).await? else {
            continue;
        };
        let filter = Filter {
            organization_id: Some(org.id),
            ..Default::default()
        };
        if let Some(p) = crate::db::practices::list(&ctx.db, &filter, 1, 0)
            .await?
            .into_iter()
            .next()
        {
            if comments::thread(ctx, p.practice.id).await?.is_empty() {
                practice_of.insert(handle, p.practice.id);
            }
        }
    }
    if practice_of.is_empty() {
        return Ok(());
    }
    let mut said = Vec::new();
    for s in &DISCUSSION {
        let (Some(&id), Some(user)) = (practice_of.get(s.on), demo_user(ctx, s.by).await?) else {
            said.push(None);
            continue;
        };
        let body = comments::NewCommentBody {
            content: s.text.into(),
            in_reply_to: s.reply_to.and_then(|n| said.get(n).copied().flatten()),
            stance: s.stance,
        };
        said.push(Some(comments::create(ctx, &user, id, body).await?.id));
    }
    for (by, on, positive, because) in ENDORSEMENTS {
        let (Some(&id), Some(user)) = (practice_of.get(on), demo_user(ctx, by).await?) else {
            continue;
        };
        let parts = participation::reading(ctx, &user, id).await?.parts;
        participation::open(ctx, &user, id, participation::Opening { parts }).await?;
        let comment_id = because
            .and_then(|n| said.get(n).copied().flatten())
            .map(participation::CommentRef::Id);
        participation::endorse(
            ctx,
            &user,
            id,
            participation::Endorse {
                value: if positive { "positive" } else { "negative" }.into(),
                comment_id,
            },
        )
        .await?;
    }
    Ok(())
}

/// A demo user by name: the managers made above, and a citizen made here when missing.
async fn demo_user(ctx: &Ctx, name: &str) -> AppResult<Option<crate::db::users::UserRow>> {
    if let Some(u) = users::by_username(&ctx.db, name).await? {
        return Ok(Some(u));
    }
    if name != "demo-cittadina" {
        return Ok(None);
    }
    let mut pw = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut pw);
    let user = accounts::create_user(
        &ctx.db,
        &ctx.config,
        name,
        Role::Citizen,
        None,
        &B64.encode(pw),
        Some("Giulia Rinaldi"),
    )
    .await?;
    Ok(Some(user))
}
