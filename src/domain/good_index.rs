//! The good index of a practice and the ranking of organisations and managers, as
//! `shared/DESIGN.md` defines them. Pure functions over running totals, so that a new vote
//! updates the totals of one (class, instance) and the index is recomputed from a handful of
//! numbers, never by reading every vote again.
//!
//! - Weights: a verified peer 1.0, a verified citizen 0.5, an unverified endorsement 0 (shown,
//!   not counted); the practice's own organisation is not counted.
//! - Per class (peers, citizens), each instance's weights are scaled once by
//!   `min(1, 0.4·W/Wᵢ)`, `W` being the class's uncapped total and `Wᵢ` the instance's: no
//!   instance moves a class by more than its share, however many accounts it makes up.
//! - `p̂` = positive weight / total weight, `n_eff` = (Σw)² / Σw², and the class's index is the
//!   Wilson lower bound at z = 1.96 (a class with no weight has 0).
//! - The combined index is always `0.7·G_peer + 0.3·G_citizen`.
//! - A ranking is the Bayesian average `(3·μ + ΣG) / (3 + N)` of its practices' combined
//!   indexes, `μ` being the mean over all practices with a counted endorsement.

/// Who gave the feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A person of a public administration on a trusted administration instance.
    Peer,
    /// Anyone else.
    Citizen,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Peer => "peer",
            Class::Citizen => "citizen",
        }
    }
}

/// The class of a person: a peer only when their `prassi:organization` names an organisation
/// with an IPA code on their own host, and that host is trusted here; otherwise a citizen.
pub fn class_of(has_administration: bool, host_trusted: bool) -> Class {
    if has_administration && host_trusted {
        Class::Peer
    } else {
        Class::Citizen
    }
}

/// The weight of one endorsement.
pub fn weight(class: Class, verified: bool, own_organisation: bool) -> f64 {
    match (verified, own_organisation, class) {
        (false, _, _) | (_, true, _) => 0.0,
        (true, false, Class::Peer) => 1.0,
        (true, false, Class::Citizen) => 0.5,
    }
}

/// Running totals of one class on one instance.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    /// Σw.
    pub weight: f64,
    /// Σw of the positive endorsements.
    pub positive: f64,
    /// Σw².
    pub squares: f64,
}

impl Totals {
    /// Adds one endorsement of weight `w` (a weight of 0 changes nothing).
    pub fn add(&mut self, w: f64, positive: bool) {
        self.weight += w;
        self.squares += w * w;
        if positive {
            self.positive += w;
        }
    }

    /// Takes one endorsement back (withdrawn, or changed before adding its new value).
    pub fn remove(&mut self, w: f64, positive: bool) {
        self.weight = (self.weight - w).max(0.0);
        self.squares = (self.squares - w * w).max(0.0);
        if positive {
            self.positive = (self.positive - w).max(0.0);
        }
    }
}

impl Totals {
    /// Totals kept in exact units: weights in halves, squared weights in quarters (every
    /// weight is 0, 0.5 or 1).
    pub fn from_units(weight_halves: i64, positive_halves: i64, square_quarters: i64) -> Self {
        Totals {
            weight: weight_halves as f64 / 2.0,
            positive: positive_halves as f64 / 2.0,
            squares: square_quarters as f64 / 4.0,
        }
    }
}

/// A weight (0, 0.5 or 1) in halves.
pub fn halves(w: f64) -> i64 {
    (w * 2.0).round() as i64
}

/// The index of one class, with the figures that produced it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClassIndex {
    /// Wilson lower bound at z = 1.96; 0 without weight.
    pub g: f64,
    /// Positive share of the capped weight.
    pub p_hat: f64,
    /// Effective number of endorsements, (Σw)² / Σw².
    pub n_eff: f64,
    /// Total weight after the instance cap.
    pub weight: f64,
}

/// The share of a class's total weight one instance may hold.
pub const INSTANCE_CAP: f64 = 0.4;
/// The normal quantile of the Wilson bound (95 %).
pub const Z: f64 = 1.96;
/// Weights of the peer and citizen indexes in the combined one.
pub const PEER_SHARE: f64 = 0.7;
pub const CITIZEN_SHARE: f64 = 0.3;
/// The prior weight of the Bayesian average of a ranking.
pub const PRIOR: f64 = 3.0;

/// The index of one class from its totals per instance.
pub fn class_index(per_instance: &[Totals]) -> ClassIndex {
    let total: f64 = per_instance.iter().map(|t| t.weight).sum();
    if total <= 0.0 {
        return ClassIndex::default();
    }
    let (mut weight, mut positive, mut squares) = (0.0, 0.0, 0.0);
    for t in per_instance.iter().filter(|t| t.weight > 0.0) {
        let f = (INSTANCE_CAP * total / t.weight).min(1.0);
        weight += f * t.weight;
        positive += f * t.positive;
        squares += f * f * t.squares;
    }
    if weight <= 0.0 || squares <= 0.0 {
        return ClassIndex::default();
    }
    let p_hat = (positive / weight).clamp(0.0, 1.0);
    let n_eff = weight * weight / squares;
    ClassIndex {
        g: wilson_lower_bound(p_hat, n_eff),
        p_hat,
        n_eff,
        weight,
    }
}

/// The Wilson score interval's lower bound for a share `p` of `n` observations.
pub fn wilson_lower_bound(p: f64, n: f64) -> f64 {
    if n <= 0.0 {
        return 0.0;
    }
    let z2 = Z * Z;
    let centre = p + z2 / (2.0 * n);
    let spread = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - spread) / (1.0 + z2 / n)).clamp(0.0, 1.0)
}

/// A practice's good index: both classes apart, and combined.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GoodIndex {
    pub peer: ClassIndex,
    pub citizen: ClassIndex,
    /// `0.7·G_peer + 0.3·G_citizen`, always (a class without weight counts 0).
    pub combined: f64,
}

pub fn good_index(peers: &[Totals], citizens: &[Totals]) -> GoodIndex {
    let (peer, citizen) = (class_index(peers), class_index(citizens));
    GoodIndex {
        peer,
        citizen,
        combined: PEER_SHARE * peer.g + CITIZEN_SHARE * citizen.g,
    }
}

/// A practice's good index as it is published (the Article's `goodIndex`) and shown: both
/// class figures, the combined one, and the counts behind them. The owner's is
/// authoritative; another instance shows it beside the counts it observed itself.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Figure {
    /// G_peer, the Wilson lower bound of the peers' weighted positive share.
    pub peer: f64,
    /// G_citizen.
    pub citizen: f64,
    /// 0.7·G_peer + 0.3·G_citizen.
    pub combined: f64,
    pub positive: u64,
    pub negative: u64,
    /// Endorsements whose author had read the then-current version first.
    pub verified: u64,
    /// Appreciation without a proof of reading (a Mastodon like): shown, never counted.
    pub unverified: u64,
    /// Endorsements that weigh in the index (verified, not the practice's own organisation).
    pub counted: u64,
    /// When the owner last computed it: a figure older than the one held is ignored.
    pub updated: chrono::DateTime<chrono::Utc>,
}

impl Figure {
    /// Whether a received figure can be one this formula produced: indexes within [0, 1],
    /// the combined one their weighted sum, counts that add up.
    pub fn is_plausible(&self) -> bool {
        let unit = |g: f64| g.is_finite() && (0.0..=1.0).contains(&g);
        unit(self.peer)
            && unit(self.citizen)
            && unit(self.combined)
            && (self.combined - (PEER_SHARE * self.peer + CITIZEN_SHARE * self.citizen)).abs()
                < 1e-6
            && self
                .verified
                .checked_add(self.unverified)
                .is_some_and(|n| Some(n) == self.positive.checked_add(self.negative))
            && self.counted <= self.verified
    }
}

/// The rank of an organisation or a manager: the Bayesian average of the combined indexes of
/// their practices, pulled towards `mu` (the mean over all practices with a counted
/// endorsement) by a prior of 3 practices.
pub fn ranking(mu: f64, practices: &[f64]) -> f64 {
    let sum: f64 = practices.iter().sum();
    (PRIOR * mu + sum) / (PRIOR + practices.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-6, "{a} is not {b}");
    }

    /// `n` endorsements of one class on one instance, `pos` of them positive.
    fn votes(class: Class, n: usize, pos: usize) -> Totals {
        let mut t = Totals::default();
        for i in 0..n {
            t.add(weight(class, true, false), i < pos);
        }
        t
    }

    #[test]
    fn ten_positive_peers_of_one_instance() {
        // p̂ = 1, n = 10: (1 + 1.9208/10 − 1.96·√(3.8416/400)) / (1 + 0.38416) = 1 / 1.38416.
        let g = good_index(&[votes(Class::Peer, 10, 10)], &[]);
        close(g.peer.p_hat, 1.0);
        close(g.peer.n_eff, 10.0);
        close(g.peer.g, 1.0 / 1.38416);
        close(g.peer.g, 0.722_459_8);
        // One instance alone: the cap scales it to 0.4 of itself, which changes neither p̂
        // nor n_eff.
        close(g.peer.weight, 4.0);
        close(g.citizen.g, 0.0);
        close(g.combined, 0.7 * 0.722_459_8);
    }

    #[test]
    fn the_instance_cap_is_applied_once_per_class() {
        // A: 8 positive peers (W_A = 8), B: 2 negative (W_B = 2), W = 10.
        // A × min(1, 0.4·10/8) = 0.5 → 4 positive; B × min(1, 0.4·10/2) = 1 → 2 negative.
        // p̂ = 4/6, n_eff = 6² / (8·0.5² + 2·1²) = 36 / 4 = 9.
        let g = class_index(&[votes(Class::Peer, 8, 8), votes(Class::Peer, 2, 0)]);
        close(g.weight, 6.0);
        close(g.p_hat, 2.0 / 3.0);
        close(g.n_eff, 9.0);
        close(g.g, 0.354_197_3);
        // Uncapped, A's flood would give p̂ = 0.8.
        assert!(g.p_hat < 0.8);
    }

    #[test]
    fn a_flooding_instance_weighs_at_most_its_cap_of_the_uncapped_total() {
        // Three instances with 10 negative peers each, one with 50 positive: W = 80.
        // The flood × min(1, 0.4·80/50) = 0.64 → 32; the others × 1 → 30; p̂ = 32/62.
        let mut per_instance = vec![votes(Class::Peer, 10, 0); 3];
        per_instance.push(votes(Class::Peer, 50, 50));
        let g = class_index(&per_instance);
        close(g.weight, 62.0);
        close(g.p_hat, 32.0 / 62.0);
        // Uncapped it would be 50/80.
        assert!(g.p_hat < 50.0 / 80.0);
        // As the spec has it, the cap is a share of the *uncapped* total, applied once: a
        // flood far larger than everyone else still weighs 0.4 of a total it dominates.
        per_instance[3] = votes(Class::Peer, 100_000, 100_000);
        let flooded = class_index(&per_instance);
        close(flooded.weight - 30.0, 0.4 * 100_030.0);
    }

    #[test]
    fn three_against_one_across_two_instances() {
        // A: 3 positive peers, B: 1 negative; W = 4. A × min(1, 1.6/3) = 0.5333…, B × 1.
        // Σw = 2.6, positive 1.6, Σw² = 3·0.5333² + 1 = 1.85333; n_eff = 6.76 / 1.85333.
        let g = class_index(&[votes(Class::Peer, 3, 3), votes(Class::Peer, 1, 0)]);
        close(g.p_hat, 1.6 / 2.6);
        close(g.n_eff, 3.647_482_0);
        close(g.g, 0.202_765_4);
    }

    #[test]
    fn peers_and_citizens_apart_and_combined() {
        // No peer: G_peer = 0. Four positive citizens (0.5 each) of one instance:
        // p̂ = 1, n_eff = 2² / (4·0.25) = 4: G = (1 + 0.4802 − 1.96·0.245) / 1.9604 = 0.5101.
        let g = good_index(&[], &[votes(Class::Citizen, 4, 4)]);
        close(g.peer.g, 0.0);
        close(g.citizen.n_eff, 4.0);
        close(g.citizen.g, 0.510_099_98);
        close(g.combined, 0.3 * 0.510_099_98);
    }

    #[test]
    fn own_organisation_and_unverified_feedback_weigh_nothing() {
        assert_eq!(weight(Class::Peer, true, true), 0.0);
        assert_eq!(weight(Class::Peer, false, false), 0.0);
        assert_eq!(weight(Class::Citizen, false, false), 0.0);
        let mut t = Totals::default();
        t.add(weight(Class::Peer, true, true), true); // a colleague's like
        t.add(weight(Class::Peer, false, false), true); // a Mastodon like, no Read
        assert_eq!(class_index(&[t]), ClassIndex::default());
    }

    #[test]
    fn peers_of_an_untrusted_instance_weigh_as_citizens() {
        assert_eq!(class_of(true, true), Class::Peer);
        assert_eq!(class_of(true, false), Class::Citizen);
        assert_eq!(class_of(false, true), Class::Citizen);
        let demoted = weight(class_of(true, false), true, false);
        assert_eq!(demoted, 0.5);
    }

    #[test]
    fn totals_are_kept_up_to_date_without_a_rescan() {
        // Changing a vote is removing the old one and adding the new one.
        let mut t = votes(Class::Peer, 3, 2);
        t.remove(1.0, true);
        t.add(1.0, false);
        assert_eq!(t, votes(Class::Peer, 3, 1));
        t.remove(1.0, false);
        assert_eq!(t, votes(Class::Peer, 2, 1));
    }

    #[test]
    fn only_a_figure_the_formula_can_produce_is_plausible() {
        let g = good_index(&[votes(Class::Peer, 10, 10)], &[]);
        let f = Figure {
            peer: g.peer.g,
            citizen: g.citizen.g,
            combined: g.combined,
            positive: 11,
            negative: 0,
            verified: 10,
            unverified: 1,
            counted: 10,
            updated: chrono::Utc::now(),
        };
        assert!(f.is_plausible());
        assert!(!Figure { combined: 0.9, ..f }.is_plausible());
        assert!(!Figure {
            peer: 1.5,
            combined: 1.05,
            ..f
        }
        .is_plausible());
        assert!(!Figure {
            peer: f64::NAN,
            ..f
        }
        .is_plausible());
        assert!(!Figure { counted: 11, ..f }.is_plausible());
        assert!(!Figure { unverified: 5, ..f }.is_plausible());
        // Counts a peer made up to overflow the sum.
        let huge = Figure {
            verified: u64::MAX,
            unverified: 2,
            positive: 1,
            negative: 0,
            ..f
        };
        assert!(!huge.is_plausible());
    }

    #[test]
    fn rankings_are_pulled_towards_the_mean() {
        // μ = 0.5; two practices at 0.72246 and 0.3: (1.5 + 1.02246) / 5 = 0.504492.
        close(ranking(0.5, &[0.722_46, 0.3]), 0.504_492);
        // No practice: the mean itself. One excellent practice does not beat several good
        // ones.
        close(ranking(0.5, &[]), 0.5);
        assert!(ranking(0.5, &[0.9]) < ranking(0.5, &[0.8, 0.8, 0.8, 0.8]));
    }
}
