//! Candidacies of practices to a hub's calls: the review criteria (EPSA, as PerForma PA and
//! the OECD's case review use them), the states a candidacy goes through and the steps
//! allowed between them, the candidacy form, the reviewers' scores, and the self-assessment
//! questionnaire (which never leaves the proposing instance).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::vocab::vocabulary;

vocabulary! {
    /// What reviewers score a candidacy on, 1 to 5 each.
    pub enum Criterion ("criterion") {
        Relevance = "relevance" => "Relevance", "Rilevanza";
        Innovation = "innovation" => "Innovation", "Innovatività";
        StakeholderEngagement = "stakeholder_engagement" => "Stakeholder engagement", "Coinvolgimento degli stakeholder";
        Impact = "impact" => "Impact and results", "Impatto e risultati";
        Sustainability = "sustainability" => "Sustainability", "Sostenibilità";
        Transferability = "transferability" => "Transferability", "Trasferibilità";
    }
}

vocabulary! {
    /// Where a candidacy stands.
    pub enum Status ("status") {
        /// Sent by the proposing instance, not acknowledged by the hub yet (origin only).
        Offered = "offered" => "Offered", "Proposta";
        Screening = "screening" => "Screening", "Istruttoria";
        ChangesRequested = "changes_requested" => "Changes requested", "Modifiche richieste";
        Resubmitted = "resubmitted" => "Resubmitted", "Ripresentata";
        InterviewRequested = "interview_requested" => "Interview requested", "Colloquio richiesto";
        UnderReview = "under_review" => "Under review", "In valutazione";
        Recognised = "recognised" => "Recognised", "Riconosciuta";
        Rejected = "rejected" => "Rejected", "Respinta";
        Closed = "closed" => "Closed", "Chiusa";
    }
}

impl Status {
    /// The states the hub's admins may move a candidacy to from this one (the decision and
    /// the resubmission have their own steps, listed by [`Status::next`]).
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Offered | Screening => &[ChangesRequested, InterviewRequested, UnderReview, Closed],
            ChangesRequested => &[Resubmitted, Closed],
            Resubmitted => &[
                Screening,
                ChangesRequested,
                InterviewRequested,
                UnderReview,
                Closed,
            ],
            InterviewRequested => &[UnderReview, ChangesRequested, Closed],
            UnderReview => &[Recognised, Rejected, ChangesRequested, Closed],
            Recognised | Rejected | Closed => &[],
        }
    }

    pub fn allows(self, to: Status) -> bool {
        self.next().contains(&to)
    }

    /// No step leads anywhere from here.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    /// The allowed next states, for a refusal's message.
    pub fn listed(self) -> String {
        let n: Vec<&str> = self.next().iter().map(|s| s.as_str()).collect();
        if n.is_empty() {
            "none: this candidacy is closed".into()
        } else {
            n.join(", ")
        }
    }
}

/// The reason a candidacy is closed when its practice is deleted.
pub const DELETED_AT_ORIGIN: &str = "the practice was deleted at its origin";

/// Criteria as stored: comma-separated codes.
pub fn criteria_text(c: &[Criterion]) -> String {
    c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
}

pub fn criteria_of(text: &str) -> Vec<Criterion> {
    text.split(',')
        .filter_map(|c| c.parse().ok())
        .collect::<Vec<_>>()
}

/// A contact person of the proposing administration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The candidacy form: federated with the Offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// Why it is a good practice.
    #[serde(default)]
    pub why: String,
    /// What another administration could take from it.
    #[serde(default)]
    pub transferable: String,
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

const MAX_TEXT: usize = 10_000;

impl Form {
    /// Every bad field, by its path (`form.why`, `form.contacts.0.email`).
    pub fn check(&self) -> Result<(), BTreeMap<String, String>> {
        let mut bad = BTreeMap::new();
        let mut text = |k: &str, v: &str| {
            if v.trim().is_empty() {
                bad.insert(format!("form.{k}"), "required".to_string());
            } else if v.chars().count() > MAX_TEXT {
                bad.insert(
                    format!("form.{k}"),
                    format!("at most {MAX_TEXT} characters"),
                );
            }
        };
        text("why", &self.why);
        text("transferable", &self.transferable);
        if self.contacts.is_empty() {
            bad.insert("form.contacts".into(), "at least one contact".into());
        }
        for (i, c) in self.contacts.iter().enumerate() {
            if c.name.trim().is_empty() {
                bad.insert(format!("form.contacts.{i}.name"), "required".into());
            }
            let e = c.email.trim();
            if !(e.contains('@') && !e.starts_with('@') && !e.ends_with('@')) {
                bad.insert(
                    format!("form.contacts.{i}.email"),
                    "an e-mail address".into(),
                );
            }
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(bad)
        }
    }
}

/// The self-assessment questions (after PerForma PA's self-nomination form): each answered
/// 1 (not at all) to 5 (fully).
pub const QUESTIONS: &[(&str, &str)] = &[
    (
        "objectives",
        "The objectives were defined with the stakeholders and are measurable",
    ),
    (
        "participation",
        "Citizens and stakeholders took part in deciding, not only in being informed",
    ),
    (
        "results",
        "The results are measured with indicators and their evidence is published",
    ),
    (
        "organisation",
        "The administration changed its way of working because of the practice",
    ),
    (
        "continuity",
        "The practice has the resources and the mandate to go on",
    ),
];

/// The self-assessment as filled in: kept on the proposing instance only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfAssessment {
    /// Per question key, 1–5.
    #[serde(default)]
    pub answers: BTreeMap<String, i64>,
    /// Free text: strengths, weaknesses, what the administration learnt.
    #[serde(default)]
    pub notes: String,
}

impl SelfAssessment {
    pub fn check(&self) -> Result<(), BTreeMap<String, String>> {
        let mut bad = BTreeMap::new();
        for (k, _) in QUESTIONS {
            match self.answers.get(*k) {
                None => {
                    bad.insert(format!("self_assessment.answers.{k}"), "required".into());
                }
                Some(v) if !(1..=5).contains(v) => {
                    bad.insert(format!("self_assessment.answers.{k}"), "from 1 to 5".into());
                }
                Some(_) => {}
            }
        }
        for k in self.answers.keys() {
            if !QUESTIONS.iter().any(|(q, _)| q == k) {
                bad.insert(
                    format!("self_assessment.answers.{k}"),
                    "not a question of the questionnaire".into(),
                );
            }
        }
        if self.notes.chars().count() > MAX_TEXT {
            bad.insert(
                "self_assessment.notes".into(),
                format!("at most {MAX_TEXT} characters"),
            );
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(bad)
        }
    }
}

/// One reviewer's score of one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Score {
    pub score: i64,
    pub reason: String,
}

/// A review: a score with its reason for each criterion in use.
pub type Scores = BTreeMap<String, Score>;

/// Every bad field of a review against the criteria in use: a missing criterion, one not in
/// use, a score outside 1–5, an empty reason.
pub fn check_scores(scores: &Scores, in_use: &[Criterion]) -> Result<(), BTreeMap<String, String>> {
    let mut bad = BTreeMap::new();
    for c in in_use {
        let k = c.as_str();
        match scores.get(k) {
            None => {
                bad.insert(format!("scores.{k}"), "required: this call uses it".into());
            }
            Some(s) => {
                if !(1..=5).contains(&s.score) {
                    bad.insert(format!("scores.{k}.score"), "from 1 to 5".into());
                }
                if s.reason.trim().is_empty() {
                    bad.insert(format!("scores.{k}.reason"), "a written reason".into());
                } else if s.reason.chars().count() > MAX_TEXT {
                    bad.insert(
                        format!("scores.{k}.reason"),
                        format!("at most {MAX_TEXT} characters"),
                    );
                }
            }
        }
    }
    for k in scores.keys() {
        if !in_use.iter().any(|c| c.as_str() == k) {
            bad.insert(
                format!("scores.{k}"),
                format!(
                    "not a criterion of this call ({})",
                    criteria_text(in_use).replace(',', ", ")
                ),
            );
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad)
    }
}

/// One reviewer's score and reason in a decision, as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewerScore {
    /// The reviewer's username on the hub: the commission's reviews are public, with who
    /// gave them.
    pub reviewer: String,
    pub score: i64,
    pub reason: String,
}

/// A criterion's result in a decision: the mean of the reviewers' scores, and each of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CriterionResult {
    pub mean: f64,
    pub reviews: Vec<ReviewerScore>,
}

/// Per criterion in use, the results of the reviews `(reviewer, scores)`.
pub fn results(
    in_use: &[Criterion],
    reviews: &[(String, Scores)],
) -> BTreeMap<String, CriterionResult> {
    in_use
        .iter()
        .map(|c| {
            let k = c.as_str();
            let got: Vec<ReviewerScore> = reviews
                .iter()
                .filter_map(|(who, s)| {
                    s.get(k).map(|s| ReviewerScore {
                        reviewer: who.clone(),
                        score: s.score,
                        reason: s.reason.clone(),
                    })
                })
                .collect();
            let mean = if got.is_empty() {
                0.0
            } else {
                got.iter().map(|r| r.score as f64).sum::<f64>() / got.len() as f64
            };
            (k.to_string(), CriterionResult { mean, reviews: got })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graph_lists_what_may_follow() {
        assert!(Status::Screening.allows(Status::ChangesRequested));
        assert!(Status::ChangesRequested.allows(Status::Resubmitted));
        assert!(Status::Resubmitted.allows(Status::UnderReview));
        assert!(!Status::Screening.allows(Status::Recognised));
        assert!(Status::Recognised.is_final());
        assert_eq!(Status::Closed.listed(), "none: this candidacy is closed");
    }

    #[test]
    fn bad_scores_are_all_named() {
        let in_use = [Criterion::Relevance, Criterion::Impact];
        let mut s = Scores::new();
        s.insert(
            "relevance".into(),
            Score {
                score: 0,
                reason: " ".into(),
            },
        );
        s.insert(
            "beauty".into(),
            Score {
                score: 3,
                reason: "x".into(),
            },
        );
        let bad = check_scores(&s, &in_use).unwrap_err();
        let keys: Vec<&str> = bad.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "scores.beauty",
                "scores.impact",
                "scores.relevance.reason",
                "scores.relevance.score"
            ]
        );
    }

    #[test]
    fn results_average_each_criterion() {
        let mk = |n| {
            let mut s = Scores::new();
            s.insert(
                "impact".into(),
                Score {
                    score: n,
                    reason: "r".into(),
                },
            );
            s
        };
        let r = results(
            &[Criterion::Impact],
            &[("a".into(), mk(4)), ("b".into(), mk(5))],
        );
        assert_eq!(r["impact"].mean, 4.5);
        assert_eq!(r["impact"].reviews.len(), 2);
    }
}
