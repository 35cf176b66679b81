//! A candidacy as it travels. The proposing instance's organisation sends `Offer {object:
//! the practice, target: the call, instrument: the candidacy form}` to the hub, and an
//! `Update` of the Offer when it resubmits; the hub answers each step with an `Update` of
//! the `Candidacy` (its status and message) and the decision with `Accept` or `Reject` of the
//! Offer, whose `result` is the Candidacy with the reasons and the scores. The
//! self-assessment is none of these: it never leaves the proposing instance.

use std::collections::BTreeMap;

use activitypub_federation::kinds::activity::UpdateType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::{
    domain::candidacy::{Contact, CriterionResult},
    federation::protocol::values::{id_of, lenient_time, one_or_many},
};

/// `Offer`'s type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfferType {
    Offer,
}

/// The candidacy form, as the Offer's `instrument`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidacyForm {
    /// `CandidacyForm` (`prassi:CandidacyForm`).
    #[serde(rename = "type")]
    pub kind: String,
    pub why: String,
    pub transferable: String,
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: OfferType,
    /// The practice's organisation.
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    /// The practice (its `Article`'s id).
    #[serde(deserialize_with = "id_of")]
    pub object: Url,
    /// The call.
    #[serde(deserialize_with = "id_of")]
    pub target: Url,
    pub instrument: CandidacyForm,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub updated: Option<DateTime<Utc>>,
}

/// `Update` of an Offer: a resubmission, with the new form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateOffer {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: UpdateType,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    pub object: Offer,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
}

/// The hub's candidacy: its status, and once decided the reasons and the scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidacy {
    /// `Candidacy` (`prassi:Candidacy`).
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    /// The Offer it answers.
    pub offer: Url,
    pub call: Url,
    /// The call's title.
    #[serde(default)]
    pub call_name: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<String>,
    /// Per criterion in use: the mean of the reviewers' scores, and each one's score and
    /// reason.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scores: BTreeMap<String, CriterionResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    /// Grows with every step on the hub (`prassi:step`): deliveries run in parallel, and
    /// the origin ignores a step older than one it applied.
    #[serde(default)]
    pub step: i64,
}

/// `Update` of the hub's candidacy: a step between the Offer and the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateCandidacy {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: UpdateType,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    pub object: Candidacy,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
}

/// `Accept` (recognised) or `Reject` (rejected) of an Offer; `K` is its type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferAnswer<K> {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: K,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    /// The Offer (its id).
    #[serde(deserialize_with = "id_of")]
    pub object: Url,
    /// The decided candidacy.
    pub result: Candidacy,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
}

/// `Add` of a recognised practice to the hub's collection of recognised practices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Add {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    /// `Add`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(deserialize_with = "id_of")]
    pub actor: Url,
    #[serde(deserialize_with = "id_of")]
    pub object: Url,
    #[serde(deserialize_with = "id_of")]
    pub target: Url,
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub cc: Vec<String>,
}
