//! Calls for candidacies: the commission of this instance (its admins) opens, edits and
//! closes them; anyone reads them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    db::{
        calls::{self, CallRow, NewCall},
        users::UserRow,
    },
    domain::{
        actor::Role,
        candidacy::{criteria_of, criteria_text, Criterion},
    },
    error::{AppError, AppResult},
    federation::urls,
    state::Ctx,
};

/// A call as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CallView {
    pub id: i64,
    /// Its collection's URL: what a proposer names, the `target` of Offers.
    pub url: String,
    pub title: String,
    pub description: String,
    pub deadline: DateTime<Utc>,
    pub criteria: Vec<Criterion>,
    /// Reviewers of the proposer's organisation (same IPA code) are excluded.
    pub exclude_same_organization: bool,
    /// Closed by the commission.
    pub closed: bool,
    /// Taking Offers now: not closed, deadline not passed.
    pub open: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CallRow> for CallView {
    fn from(c: CallRow) -> Self {
        Self {
            open: c.open_at(crate::db::now()),
            id: c.id,
            url: c.ap_id,
            title: c.title,
            description: c.description,
            deadline: c.deadline,
            criteria: criteria_of(&c.criteria),
            exclude_same_organization: c.exclude_same_organization,
            closed: c.closed,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A new call. The criteria default to all six.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCallBody {
    pub title: String,
    pub description: String,
    pub deadline: DateTime<Utc>,
    #[serde(default)]
    pub criteria: Option<Vec<String>>,
    #[serde(default)]
    pub exclude_same_organization: Option<bool>,
}

/// A change of a call: only the fields given change.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub deadline: Option<DateTime<Utc>>,
    pub criteria: Option<Vec<String>>,
    pub exclude_same_organization: Option<bool>,
    pub closed: Option<bool>,
}

fn admin(user: &UserRow) -> AppResult<()> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only this instance's admins (its commission) manage calls".into(),
        ))
    }
}

/// The criteria named, each known and none twice, in the canonical order.
fn criteria(given: &[String]) -> Result<Vec<Criterion>, String> {
    let mut out = Vec::new();
    for g in given {
        let c: Criterion = g.parse()?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err("at least one criterion".into());
    }
    out.sort();
    Ok(out)
}

fn text(bad: &mut std::collections::BTreeMap<String, String>, k: &str, v: &str) {
    if v.trim().is_empty() {
        bad.insert(k.into(), "required".into());
    }
}

pub async fn create(ctx: &Ctx, user: &UserRow, b: NewCallBody) -> AppResult<CallView> {
    admin(user)?;
    let mut bad = std::collections::BTreeMap::new();
    text(&mut bad, "title", &b.title);
    text(&mut bad, "description", &b.description);
    let crit = match &b.criteria {
        None => Criterion::ALL.to_vec(),
        Some(c) => criteria(c).unwrap_or_else(|e| {
            bad.insert("criteria".into(), e);
            Vec::new()
        }),
    };
    if !bad.is_empty() {
        return Err(AppError::Invalid(bad));
    }
    let row = calls::insert(
        &ctx.db,
        NewCall {
            ap_id: urls::new_call(&ctx.config),
            title: b.title.trim().to_string(),
            description: b.description.trim().to_string(),
            deadline: b.deadline,
            criteria: criteria_text(&crit),
            exclude_same_organization: b.exclude_same_organization.unwrap_or(true),
        },
    )
    .await?;
    Ok(row.into())
}

pub async fn list(ctx: &Ctx) -> AppResult<Vec<CallView>> {
    Ok(calls::list(&ctx.db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub async fn get(ctx: &Ctx, id: i64) -> AppResult<CallView> {
    calls::by_id(&ctx.db, id)
        .await?
        .map(Into::into)
        .ok_or_else(|| AppError::NotFound(format!("no call {id}")))
}

pub async fn patch(ctx: &Ctx, user: &UserRow, id: i64, p: CallPatch) -> AppResult<CallView> {
    admin(user)?;
    let mut tx = ctx.db.begin().await?;
    let mut c = calls::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no call {id}")))?;
    let mut bad = std::collections::BTreeMap::new();
    if let Some(t) = p.title {
        text(&mut bad, "title", &t);
        c.title = t.trim().to_string();
    }
    if let Some(d) = p.description {
        text(&mut bad, "description", &d);
        c.description = d.trim().to_string();
    }
    if let Some(cr) = p.criteria {
        match criteria(&cr) {
            Ok(cr) => c.criteria = criteria_text(&cr),
            Err(e) => {
                bad.insert("criteria".into(), e);
            }
        }
    }
    if !bad.is_empty() {
        return Err(AppError::Invalid(bad));
    }
    if let Some(d) = p.deadline {
        c.deadline = d;
    }
    if let Some(e) = p.exclude_same_organization {
        c.exclude_same_organization = e;
    }
    if let Some(closed) = p.closed {
        c.closed = closed;
    }
    calls::update(&mut tx, &c).await?;
    tx.commit().await?;
    get(ctx, id).await
}
