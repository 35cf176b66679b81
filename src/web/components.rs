//! The values the shared components of `templates/components.html` show: a card, a pager and
//! a link with a count. Built here, from the services' views, so templates only lay them out.

use crate::{
    domain::{
        practice::{translation, PracticeRecord},
        vocab::Language,
    },
    service::practices::PracticeView,
};

use super::i18n::Lang;

/// The record's language for a page language.
pub fn language(lang: Lang) -> Language {
    match lang {
        Lang::It => Language::It,
        Lang::En => Language::En,
    }
}

/// A practice (or anything with a title) in a list.
pub struct Card {
    pub title: String,
    pub href: String,
    pub summary: String,
    /// Above the title: the sector, or the kind of thing.
    pub kicker: String,
    /// A mark beside the kicker: "recognised".
    pub badge: Option<String>,
    /// Who publishes it, shown as "by …".
    pub org: String,
    /// Short facts under the text: place, year.
    pub meta: Vec<String>,
}

impl Card {
    /// A practice's card, in `lang` where the record has it.
    pub fn practice(view: &PracticeView, org_name: &str, lang: Lang) -> Card {
        // A card shows no media, and the view of a remote practice adds to its media what
        // the record type does not know (`source_url`): without them the record parses.
        let mut value = view.record.clone();
        if let Some(o) = value.as_object_mut() {
            o.remove("media");
        }
        let record: PracticeRecord = serde_json::from_value(value).unwrap_or_default();
        let want = language(lang);
        let text = |t| {
            translation(t, want, record.language)
                .unwrap_or_default()
                .to_string()
        };
        let mut meta = Vec::new();
        if let Some(town) = record
            .place
            .municipality
            .as_deref()
            .filter(|s| !s.is_empty())
        {
            meta.push(town.to_string());
        } else if let Some(name) = record.place.region.as_ref().and_then(|r| r.name(want)) {
            // A code without a name says nothing on a card.
            meta.push(name);
        }
        if let Some(start) = record.period.start {
            meta.push(start.format("%Y").to_string());
        }
        Card {
            title: text(&record.title),
            // A practice received from another instance is read here, by its id.
            href: if view.local {
                view.ap_id.clone()
            } else {
                format!("/practices/{}", view.id)
            },
            summary: text(&record.summary),
            kicker: record
                .sectors
                .first()
                .map(|s| s.label(want).to_string())
                .unwrap_or_default(),
            badge: None,
            org: org_name.to_string(),
            meta,
        }
    }
}

/// A link in a list, with an optional count (organisations, topics, facet values).
pub struct CountedLink {
    pub label: String,
    pub href: String,
    pub count: i64,
}

/// One numbered link of a pager; `href` is `None` for the gap (…).
pub struct PagerLink {
    pub page: usize,
    pub href: Option<String>,
    pub current: bool,
}

/// The pager under a list: previous, first, the pages around the current one, last, next.
pub struct Pager {
    pub pages: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub links: Vec<PagerLink>,
}

impl Pager {
    /// `page` from 1; `href(n)` is the address of page `n`.
    pub fn new(page: usize, pages: usize, href: impl Fn(usize) -> String) -> Pager {
        let page = page.clamp(1, pages.max(1));
        let mut links = Vec::new();
        let mut last = 0;
        for n in 1..=pages {
            let near = n == 1 || n == pages || n.abs_diff(page) <= 1;
            if near {
                if last + 1 < n {
                    links.push(PagerLink {
                        page: 0,
                        href: None,
                        current: false,
                    });
                }
                links.push(PagerLink {
                    page: n,
                    href: Some(href(n)),
                    current: n == page,
                });
                last = n;
            }
        }
        Pager {
            pages,
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
            links,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pager_shows_the_ends_and_the_neighbours() {
        let p = Pager::new(5, 10, |n| format!("?page={n}"));
        let shown: Vec<_> = p
            .links
            .iter()
            .map(|l| {
                if l.href.is_some() {
                    l.page.to_string()
                } else {
                    "…".into()
                }
            })
            .collect();
        assert_eq!(shown, ["1", "…", "4", "5", "6", "…", "10"]);
        assert!(p.links.iter().any(|l| l.current && l.page == 5));
        assert_eq!(p.prev.as_deref(), Some("?page=4"));
        assert_eq!(p.next.as_deref(), Some("?page=6"));
        let one = Pager::new(1, 1, |n| n.to_string());
        assert!(one.prev.is_none() && one.next.is_none());
        let first = Pager::new(1, 3, |n| n.to_string());
        assert_eq!(first.links.len(), 3);
    }
}
