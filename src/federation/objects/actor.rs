//! Actors to and from ActivityPub, and how the library fetches and stores remote ones.

use activitypub_federation::{
    config::Data,
    protocol::verification::verify_domains_match,
    traits::{Actor, Object},
};
use chrono::{DateTime, Utc};
use url::Url;

use crate::{
    config::host_port,
    db::actors::{self, ActorRow, NewActor},
    domain::{
        actor::{parse_remote_username, ActorKind},
        sanitize::strip_bidi,
    },
    error::AppError,
    federation::{
        protocol::{
            actor::{ApActor, ApPublicKey, Endpoints, Icon, PropertyValue},
            context::context,
        },
        urls,
    },
    state::AppData,
};

/// The actor document of a local actor.
pub fn to_ap(a: &ActorRow, cfg: &crate::config::Config) -> Result<ApActor, AppError> {
    let id = a.ap_id.0.clone();
    let parse = |s: &Option<String>| s.as_deref().and_then(|u| Url::parse(u).ok());
    let mut attachment = Vec::new();
    if let Some(w) = &a.website {
        attachment.push(PropertyValue::new("Website", w));
    }
    if let Some(code) = &a.ipa_code {
        attachment.push(PropertyValue::new("IPA code", code));
    }
    Ok(ApActor {
        context: Some(context()),
        id: id.clone(),
        kind: a.kind,
        preferred_username: Some(a.username.clone()),
        name: a.name.clone(),
        summary: a.summary.clone(),
        url: parse(&a.url).or_else(|| Some(id.clone())),
        icon: parse(&a.icon_url).map(|url| Icon {
            kind: "Image".into(),
            url,
        }),
        image: None,
        inbox: Url::parse(&a.inbox)?,
        outbox: parse(&a.outbox),
        followers: parse(&a.followers_url),
        following: parse(&a.following_url),
        featured: Url::parse(&format!("{}/featured", a.ap_id.as_str())).ok(),
        endpoints: Some(Endpoints {
            shared_inbox: Url::parse(&urls::shared_inbox(cfg)).ok(),
        }),
        public_key: ApPublicKey {
            id: a.public_key_id.clone(),
            owner: id,
            public_key_pem: a.public_key_pem.clone(),
        },
        published: Some(a.published),
        manually_approves_followers: Some(a.manually_approves),
        discoverable: Some(a.kind != ActorKind::Application),
        indexable: Some(a.kind != ActorKind::Application),
        attachment,
        ipa_code: a.ipa_code.clone(),
        level_of_government: a.level.clone(),
        region: a.region.clone(),
        organization: (a.kind == ActorKind::Person)
            .then(|| parse(&a.organization_ap_id))
            .flatten(),
        recognised: (a.kind == ActorKind::Application && a.local)
            .then(|| Url::parse(&urls::recognised(cfg)).ok())
            .flatten(),
    })
}

/// The name part of a remote actor's handle: its `preferredUsername`, or else the last
/// segment of its id, checked as a WebFinger name.
pub fn remote_username(json: &ApActor) -> Result<String, String> {
    let name = json
        .preferred_username
        .clone()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| {
            json.id
                .path_segments()
                .and_then(|mut s| s.next_back().map(str::to_string))
                .unwrap_or_default()
        });
    parse_remote_username(&name)
}

/// A remote actor document as a row to store. Its name must be a WebFinger name (checked in
/// `verify`); bidirectional controls are taken out of its display name and summary.
pub fn from_ap(json: ApActor) -> NewActor {
    let domain = host_port(&json.id);
    let username = remote_username(&json).unwrap_or_default();
    let clean = |t: Option<String>| t.map(|t| strip_bidi(&t));
    NewActor {
        ap_id: json.id.to_string(),
        kind: json.kind,
        username,
        domain,
        local: false,
        name: clean(json.name),
        summary: clean(json.summary),
        url: json.url.map(|u| u.to_string()),
        icon_url: json.icon.map(|i| i.url.to_string()),
        inbox: json.inbox.to_string(),
        shared_inbox: json
            .endpoints
            .and_then(|e| e.shared_inbox)
            .map(|u| u.to_string()),
        outbox: json.outbox.map(|u| u.to_string()),
        followers_url: json.followers.map(|u| u.to_string()),
        following_url: json.following.map(|u| u.to_string()),
        public_key_id: json.public_key.id,
        public_key_pem: json.public_key.public_key_pem,
        private_key_pem: None,
        ipa_code: json.ipa_code,
        level: json.level_of_government,
        region: json.region,
        website: None,
        manually_approves: json.manually_approves_followers.unwrap_or(false),
        published: json.published.unwrap_or_else(crate::db::now),
    }
}

#[async_trait::async_trait]
impl Object for ActorRow {
    type DataType = AppData;
    type Kind = ApActor;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.ap_id.0
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        (!self.local).then_some(self.last_refreshed_at)
    }

    async fn read_from_id(object_id: Url, data: &Data<AppData>) -> Result<Option<Self>, AppError> {
        Ok(actors::by_ap_id(&data.db, object_id.as_str()).await?)
    }

    async fn into_json(self, data: &Data<AppData>) -> Result<ApActor, AppError> {
        to_ap(&self, &data.config)
    }

    async fn verify(
        json: &ApActor,
        expected_domain: &Url,
        _data: &Data<AppData>,
    ) -> Result<(), AppError> {
        verify_domains_match(&json.id, expected_domain)?;
        verify_domains_match(&json.id, &json.inbox)?;
        remote_username(json).map_err(|e| AppError::bad_request("bad_actor", e))?;
        if json.public_key.owner != json.id {
            return Err(AppError::bad_request(
                "bad_actor",
                "the actor's key belongs to another actor",
            ));
        }
        Ok(())
    }

    async fn from_json(json: ApActor, data: &Data<AppData>) -> Result<Self, AppError> {
        // Only a person works for an organisation; what it names is checked when it matters
        // (an Organization with an IPA code on the person's own host: see `standing`).
        let organization = json
            .organization
            .clone()
            .filter(|_| json.kind == ActorKind::Person);
        let mut row = actors::upsert(&data.db, from_ap(json)).await?;
        let organization = organization.map(|u| u.to_string());
        if row.organization_ap_id != organization {
            actors::set_organization(&data.db, row.id, organization.as_deref()).await?;
            row.organization_ap_id = organization;
        }
        Ok(row)
    }
}

impl Actor for ActorRow {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        self.private_key_pem.clone()
    }

    fn inbox(&self) -> Url {
        Url::parse(&self.inbox).unwrap_or_else(|_| self.ap_id.0.clone())
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.shared_inbox
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
    }
}
