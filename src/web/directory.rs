//! The directory pages: the organisations (`/organizations`), the topics (`/topics`) and the
//! rankings (`/rankings`), and what the actor and call pages share with them: a page of a
//! filtered list of practices as cards with a pager, figures and dates as readers write them.

use askama::Template;
use axum::{extract::State, response::Response};
use chrono::{DateTime, Utc};
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;

use super::{
    components::{language, Card, CountedLink, Pager},
    i18n::Lang,
    page::{self, Page},
};
use crate::{
    db::{actors, practices::Filter},
    domain::{actor::ActorKind, vocab::Sector},
    error::AppResult,
    service::{
        good_index::{self, RankingRow},
        practices::{self, PracticeView},
    },
    state::{Ctx, Fed},
};

/// Practices on one page of a list.
pub const PER_PAGE: i64 = 12;

/// `?page=N` of a list page; anything else than a number from 1 is the first page.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    page: Option<String>,
}

impl ListQuery {
    pub fn number(&self) -> usize {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<usize>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    }
}

/// One page of the published practices `filter` matches, as cards, with the pager of
/// `path` and the total.
pub async fn practice_page(
    ctx: &Ctx,
    page: &Page,
    filter: Filter,
    number: usize,
    path: &str,
) -> AppResult<(Vec<Card>, Pager, i64)> {
    let total = practices::count_published(ctx, &filter).await?;
    let pages = (total as usize).div_ceil(PER_PAGE as usize).max(1);
    let number = number.clamp(1, pages);
    let list = practices::list(ctx, None, filter, number as i64, PER_PAGE).await?;
    let cards = list.iter().map(|v| card(v, page.lang)).collect();
    let pager = Pager::new(number, pages, |n| format!("{path}?page={n}"));
    Ok((cards, pager, total))
}

/// A practice's card, named by its organisation.
pub fn card(v: &PracticeView, lang: Lang) -> Card {
    let org = v.organization_name.as_deref().unwrap_or(&v.organization);
    Card::practice(v, org, lang)
}

/// A message with several arguments.
pub fn tr(page: &Page, key: &str, args: &[(&'static str, String)]) -> String {
    let args: Vec<(&'static str, FluentValue<'static>)> = args
        .iter()
        .map(|(k, v)| (*k, FluentValue::from(v.clone())))
        .collect();
    page.lang.t_with(key, &args)
}

/// A figure from 0 to 1 as a percentage with one decimal, the way the language writes it.
pub fn percent(lang: Lang, f: f64) -> String {
    decimal(lang, f * 100.0, 1) + " %"
}

/// A number with `places` decimals, with a decimal comma in Italian.
pub fn decimal(lang: Lang, f: f64, places: usize) -> String {
    let s = format!("{f:.places$}");
    match lang {
        Lang::It => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A day, the way the language writes it.
pub fn date(lang: Lang, at: DateTime<Utc>) -> String {
    match lang {
        Lang::It => at.format("%d/%m/%Y").to_string(),
        Lang::En => at.format("%-d %b %Y").to_string(),
    }
}

/// A sector's topic, by its actor's handle.
pub fn sector_of(username: &str) -> Option<Sector> {
    username.parse::<Sector>().ok()
}

/// A remote organisation in the list: where its profile is.
pub struct RemoteOrg {
    pub label: String,
    pub handle: String,
    pub href: String,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct Organizations {
    page: Page,
    local: Vec<CountedLink>,
    remote: Vec<RemoteOrg>,
}

/// `/organizations`: this instance's organisations with their practice counts, and the
/// remote ones whose practices it holds (on a hub).
pub async fn organizations(State(fed): State<Fed>, page: Page) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let local = actors::local_with_practice_counts(&ctx.db, ActorKind::Organization, 500)
        .await?
        .into_iter()
        .map(|c| CountedLink {
            label: c.name.unwrap_or_else(|| c.username.clone()),
            href: format!("/actors/{}", c.username),
            count: c.practices,
        })
        .collect();
    let remote = actors::remote_organizations_with_practices(&ctx.db, 500)
        .await?
        .into_iter()
        .map(|c| RemoteOrg {
            label: c.name.unwrap_or_else(|| c.username.clone()),
            handle: format!("@{}@{}", c.username, c.domain),
            href: c.url,
            count: c.practices,
        })
        .collect();
    let title = page.t("orgs-title");
    let intro = page.t("orgs-intro");
    Ok(page::ok(&Organizations {
        page: page.titled(title).described(intro),
        local,
        remote,
    }))
}

#[derive(Template)]
#[template(path = "topics.html")]
struct Topics {
    page: Page,
    topics: Vec<CountedLink>,
}

/// `/topics`: one topic per sector, with how many published practices are tagged with it.
pub async fn topics(State(fed): State<Fed>, page: Page) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let mut topics = Vec::new();
    for &s in Sector::ALL {
        let filter = Filter {
            sector: Some(s),
            ..Default::default()
        };
        topics.push(CountedLink {
            label: s.label(language(page.lang)).to_string(),
            href: format!("/actors/{}", s.slug()),
            count: practices::count_published(&ctx, &filter).await?,
        });
    }
    let title = page.t("topics-title");
    let intro = page.t("topics-intro");
    Ok(page::ok(&Topics {
        page: page.titled(title).described(intro),
        topics,
    }))
}

/// A ranked organisation or manager as the rankings page shows it.
pub struct Ranked {
    pub rank: usize,
    pub name: String,
    pub href: Option<String>,
    pub score: String,
    pub counted: usize,
    pub sum: String,
    /// The figures in one sentence.
    pub explained: String,
    /// Its practices with their index, best first.
    pub practices: Vec<(String, String, String)>,
}

impl Ranked {
    pub fn of(page: &Page, r: &RankingRow, href: Option<String>) -> Ranked {
        let lang = page.lang;
        let score = percent(lang, r.score);
        Ranked {
            rank: r.rank,
            name: r.name.clone(),
            href,
            explained: tr(
                page,
                "rankings-row-explained",
                &[
                    ("score", score.clone()),
                    ("counted", r.practices_counted.to_string()),
                    ("sum", decimal(lang, r.sum_index, 2)),
                    ("mean", percent(lang, r.mean_index)),
                ],
            ),
            score,
            counted: r.practices_counted,
            sum: decimal(lang, r.sum_index, 2),
            practices: r
                .practices
                .iter()
                .map(|p| (p.title.clone(), p.ap_id.clone(), percent(lang, p.combined)))
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "rankings.html")]
struct Rankings {
    page: Page,
    organisations: Vec<Ranked>,
    managers: Vec<Ranked>,
    mean: Option<String>,
}

/// `/rankings`: the organisations and the managers who opted in, by the good index of their
/// practices, with the figures behind each rank.
pub async fn rankings(State(fed): State<Fed>, page: Page) -> AppResult<Response> {
    let ctx = fed.to_request_data();
    let orgs = good_index::organisations(&ctx).await?;
    let managers = good_index::managers(&ctx).await?;
    let mean = orgs.first().map(|r| percent(page.lang, r.mean_index));
    let org_href =
        |r: &RankingRow| (!r.handle.contains('@')).then(|| format!("/actors/{}", r.handle));
    let organisations = orgs
        .iter()
        .map(|r| Ranked::of(&page, r, org_href(r)))
        .collect();
    let managers = managers
        .iter()
        .map(|r| Ranked::of(&page, r, Some(format!("/actors/{}", r.handle))))
        .collect();
    let title = page.t("rankings-title");
    let intro = page.t("rankings-intro");
    Ok(page::ok(&Rankings {
        page: page.titled(title).described(intro),
        organisations,
        managers,
        mean,
    }))
}
