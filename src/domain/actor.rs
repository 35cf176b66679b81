//! Actors as the domain sees them: kinds, roles, levels of government and valid handles.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// The handle of the instance actor (`Application`), which signs fetches and speaks for the
/// server.
pub const INSTANCE_USERNAME: &str = "instance";

/// Names the instance keeps for itself, so no account can impersonate it.
pub const RESERVED_USERNAMES: &[&str] = &[
    "instance",
    "admin",
    "api",
    "inbox",
    "actor",
    "actors",
    "static",
    "media",
    "nodeinfo",
    "well-known",
    "metrics",
    "about",
];

/// The ActivityPub type of an actor, as stored in `actors.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum ActorKind {
    Application,
    Organization,
    Group,
    Person,
    Service,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Application => "Application",
            Self::Organization => "Organization",
            Self::Group => "Group",
            Self::Person => "Person",
            Self::Service => "Service",
        }
    }
}

impl FromStr for ActorKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "Application" => Self::Application,
            "Organization" => Self::Organization,
            "Group" => Self::Group,
            "Person" => Self::Person,
            "Service" => Self::Service,
            other => return Err(format!("unknown actor type `{other}`")),
        })
    }
}

impl TryFrom<String> for ActorKind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

crate::domain::vocab::vocabulary! {
    /// Whether a follow was accepted by its target (remote targets answer later).
    pub enum FollowState ("follow state") {
        Pending = "pending" => "Pending", "In attesa";
        Accepted = "accepted" => "Accepted", "Accettato";
    }
}

impl FollowState {
    pub fn of(accepted: bool) -> Self {
        if accepted {
            Self::Accepted
        } else {
            Self::Pending
        }
    }
}

/// What an account may do on its instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Reviewer,
    Manager,
    Citizen,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Reviewer => "reviewer",
            Self::Manager => "manager",
            Self::Citizen => "citizen",
        }
    }

    /// Managers and reviewers act for an organisation and must belong to one.
    pub fn needs_organization(self) -> bool {
        matches!(self, Self::Manager | Self::Reviewer)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "admin" => Self::Admin,
            "reviewer" => Self::Reviewer,
            "manager" => Self::Manager,
            "citizen" => Self::Citizen,
            other => {
                return Err(format!(
                    "unknown role `{other}` (expected admin, reviewer, manager or citizen)"
                ))
            }
        })
    }
}

/// Level of government of an administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LevelOfGovernment {
    Eu,
    National,
    Regional,
    SupraLocal,
    Local,
    OtherPublicBody,
}

impl LevelOfGovernment {
    pub const ALL: [Self; 6] = [
        Self::Eu,
        Self::National,
        Self::Regional,
        Self::SupraLocal,
        Self::Local,
        Self::OtherPublicBody,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eu => "eu",
            Self::National => "national",
            Self::Regional => "regional",
            Self::SupraLocal => "supra_local",
            Self::Local => "local",
            Self::OtherPublicBody => "other_public_body",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Eu => "European Union",
            Self::National => "National",
            Self::Regional => "Regional",
            Self::SupraLocal => "Supra-local",
            Self::Local => "Local",
            Self::OtherPublicBody => "Other public body",
        }
    }
}

impl FromStr for LevelOfGovernment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == norm)
            .ok_or_else(|| {
                let all: Vec<_> = Self::ALL.iter().map(|l| l.as_str()).collect();
                format!("unknown level `{s}` (expected one of {})", all.join(", "))
            })
    }
}

/// A local handle: 1–64 characters of lowercase letters, digits, `_`, `.` and `-`, starting
/// with a letter or digit; stored as given (lowercase) and unique on the instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
        let first_ok = s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if s.is_empty() || s.len() > 64 || !ok_chars || !first_ok || s.ends_with('.') {
            return Err(format!(
                "`{s}` is not a valid handle: use 1-64 lowercase letters, digits, `_`, `.` or `-`, \
                 starting with a letter or digit"
            ));
        }
        if RESERVED_USERNAMES.contains(&s) {
            return Err(format!("`{s}` is reserved by the instance"));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name of a remote actor as the name part of its WebFinger handle (`name` in
/// `acct:name@domain`): 1-100 ASCII letters, digits, `_`, `.`, `-` or `~`, as Mastodon, Lemmy,
/// Misskey and Prassi names are. Never `@`, spaces, or control and bidirectional characters,
/// which would let a name read as part of another handle.
pub fn parse_remote_username(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.chars().count() <= 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-~".contains(c));
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a valid WebFinger name (1-100 ASCII letters, digits, `_`, `.`, `-` or `~`)"
        ))
    }
}

/// An IPA code (Indice delle Pubbliche Amministrazioni): 1-16 letters and digits.
pub fn parse_ipa_code(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() || s.len() > 16 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!(
            "`{s}` is not an IPA code (1-16 letters, digits or `_`)"
        ));
    }
    Ok(s.to_string())
}

/// A NUTS or ISTAT region code such as `ITC4` or `03`.
pub fn parse_region(s: &str) -> Result<String, String> {
    let s = s.trim().to_ascii_uppercase();
    if s.is_empty() || s.len() > 8 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("`{s}` is not a NUTS or ISTAT region code"));
    }
    Ok(s)
}

/// Where to look for an actor: a URL, or `name@domain` (with optional `acct:` or `@`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorRef {
    Url(url::Url),
    Handle { name: String, domain: String },
}

impl ActorRef {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.starts_with("http://") || s.starts_with("https://") {
            return url::Url::parse(s)
                .map(Self::Url)
                .map_err(|e| format!("`{s}` is not a valid URL: {e}"));
        }
        let h = s.strip_prefix("acct:").unwrap_or(s);
        let h = h.strip_prefix('@').unwrap_or(h);
        match h.split_once('@') {
            Some((name, domain))
                if !name.is_empty() && !domain.is_empty() && !domain.contains('@') =>
            {
                Ok(Self::Handle {
                    name: name.to_string(),
                    domain: domain.to_ascii_lowercase(),
                })
            }
            _ => Err(format!(
                "`{s}` is neither a URL nor a handle like acct:name@example.org"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("comune-di-bari").is_ok());
        assert!(Username::parse("regione.puglia").is_ok());
        for bad in ["", "Upper", "-x", "a b", "admin", "x.", &"a".repeat(65)] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn remote_usernames_are_webfinger_names() {
        for good in ["Gargron", "comune-di-bari", "milk_drinker", "a.b~c", "42"] {
            assert_eq!(parse_remote_username(good).as_deref(), Ok(good));
        }
        for bad in [
            "",
            "bari@evil.example",
            "comune di bari",
            "bari\u{202E}elpmaxe",
            "bari\u{2066}",
            "bàri",
            "tab\t",
            "x/y",
            &"a".repeat(101),
        ] {
            assert!(parse_remote_username(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn enums_round_trip() {
        for l in LevelOfGovernment::ALL {
            assert_eq!(l.as_str().parse::<LevelOfGovernment>().unwrap(), l);
        }
        assert_eq!(
            "supra-local".parse::<LevelOfGovernment>().unwrap(),
            LevelOfGovernment::SupraLocal
        );
        assert!("county".parse::<LevelOfGovernment>().is_err());
        assert_eq!("Manager".parse::<Role>().unwrap(), Role::Manager);
        assert!("boss".parse::<Role>().is_err());
    }

    #[test]
    fn actor_refs() {
        assert_eq!(
            ActorRef::parse("acct:bari@localhost:8081").unwrap(),
            ActorRef::Handle {
                name: "bari".into(),
                domain: "localhost:8081".into()
            }
        );
        assert_eq!(
            ActorRef::parse("@bari@Example.org").unwrap(),
            ActorRef::Handle {
                name: "bari".into(),
                domain: "example.org".into()
            }
        );
        assert!(matches!(
            ActorRef::parse("https://x.org/a").unwrap(),
            ActorRef::Url(_)
        ));
        assert!(ActorRef::parse("nobody").is_err());
    }
}
