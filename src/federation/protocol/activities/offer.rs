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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::federation::protocol::activities::Incoming;

    #[test]
    fn an_offer_and_its_update_parse_by_their_object() {
        let offer = json!({
            "id": "https://a.example/activities/1", "type": "Offer",
            "actor": "https://a.example/actors/comune", "object": "https://a.example/practices/p",
            "target": "https://hub.example/calls/c", "to": "https://hub.example/actor",
            "instrument": {"type": "CandidacyForm", "why": "w", "transferable": "t",
                           "contacts": [{"name": "A", "email": "a@a.example"}]},
        });
        let Incoming::Offer(o) = Incoming::parse("Offer", &offer.to_string()).unwrap() else {
            panic!("not an Offer");
        };
        assert_eq!(o.target.as_str(), "https://hub.example/calls/c");
        assert_eq!(o.to, ["https://hub.example/actor"]);
        let update = json!({"id": "https://a.example/activities/2", "type": "Update",
            "actor": "https://a.example/actors/comune", "object": offer});
        assert!(matches!(
            Incoming::parse("Update", &update.to_string()).unwrap(),
            Incoming::UpdateOffer(_)
        ));
        // An Update of an Article is still one.
        let article = json!({"id": "https://a.example/activities/3", "type": "Update",
            "actor": "https://a.example/actors/comune",
            "object": {"id": "https://a.example/practices/p", "type": "Article",
                       "attributedTo": "https://a.example/actors/comune"}});
        assert!(matches!(
            Incoming::parse("Update", &article.to_string()).unwrap(),
            Incoming::Update(_)
        ));
    }

    #[test]
    fn an_accept_is_of_an_offer_when_it_carries_a_candidacy() {
        let candidacy = json!({"type": "Candidacy", "id": "https://hub.example/candidacies/1",
            "offer": "https://a.example/activities/1", "call": "https://hub.example/calls/c",
            "status": "recognised", "reasons": "r", "step": 9,
            "scores": {"impact": {"mean": 4.5, "reviews": [
                {"reviewer": "x", "score": 4, "reason": "a"},
                {"reviewer": "y", "score": 5, "reason": "b"}]}}});
        let accept = json!({"id": "https://hub.example/activities/9", "type": "Accept",
            "actor": "https://hub.example/actor", "object": "https://a.example/activities/1",
            "result": candidacy});
        let Incoming::AcceptOffer(a) = Incoming::parse("Accept", &accept.to_string()).unwrap()
        else {
            panic!("not the answer to an Offer");
        };
        assert_eq!(a.result.scores["impact"].reviews.len(), 2);
        assert_eq!(a.result.step, 9);
        let follow = json!({"id": "https://b.example/activities/9", "type": "Accept",
            "actor": "https://b.example/actors/x", "object": "https://a.example/follows/1"});
        assert!(matches!(
            Incoming::parse("Accept", &follow.to_string()).unwrap(),
            Incoming::Accept(_)
        ));
        let reject = json!({"id": "https://hub.example/activities/10", "type": "Reject",
            "actor": "https://hub.example/actor", "object": "https://a.example/activities/1",
            "result": {"type": "Candidacy", "id": "https://a.example/activities/1",
                       "offer": "https://a.example/activities/1",
                       "call": "https://hub.example/calls/c", "status": "rejected"}});
        assert!(matches!(
            Incoming::parse("Reject", &reject.to_string()).unwrap(),
            Incoming::RejectOffer(_)
        ));
    }
}
