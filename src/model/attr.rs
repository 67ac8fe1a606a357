//! Tri-state attribute values: known, unknown, absent.
//!
//! A rule must be able to tell "not set, the provider default applies" (absent) from
//! "set to something we cannot know" (unknown). Collapsing the two is how scanners
//! produce both false passes and false failures.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(tag = "state", content = "value", rename_all = "lowercase")]
pub enum Tri<T> {
    Known(T),
    /// Not known, and why: the source that could not know it says so, so a rule
    /// words the gap without asking where the resource came from.
    Unknown(Gap),
    #[default]
    Absent,
}

/// Why a source could not know a value. Each source sets it where it meets the gap
/// (the Terraform adapters, the AWS collectors); rules only print it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Gap {
    /// Terraform: the value depends on something known only after apply, or on
    /// input the scanner does not evaluate (a variable without a value).
    BeforeApply,
    /// Live: the AWS answer that would show it could not be read; the collection
    /// gaps of the report say which call failed.
    NotCollected,
}

impl Gap {
    /// The words for "not known", completing "`<attribute>` is ...".
    pub fn phrase(self) -> &'static str {
        match self {
            Gap::BeforeApply => "not known before apply",
            Gap::NotCollected => {
                "not known (an AWS answer could not be read; see the collection gaps)"
            }
        }
    }
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.phrase())
    }
}

impl<T> Tri<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Tri::Known(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Tri::Known(_))
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Tri::Unknown(_))
    }

    /// Why the value is not known, when it is not.
    pub fn gap(&self) -> Option<Gap> {
        match self {
            Tri::Unknown(gap) => Some(*gap),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Tri::Absent)
    }

    pub fn as_ref(&self) -> Tri<&T> {
        match self {
            Tri::Known(v) => Tri::Known(v),
            Tri::Unknown(gap) => Tri::Unknown(*gap),
            Tri::Absent => Tri::Absent,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Tri<U> {
        match self {
            Tri::Known(v) => Tri::Known(f(v)),
            Tri::Unknown(gap) => Tri::Unknown(gap),
            Tri::Absent => Tri::Absent,
        }
    }

    /// Absent means the documented default applies.
    pub fn or_default_value(self, default: T) -> Tri<T> {
        match self {
            Tri::Absent => Tri::Known(default),
            other => other,
        }
    }

    /// Prefer `self` unless it is absent.
    pub fn or(self, other: Tri<T>) -> Tri<T> {
        match self {
            Tri::Absent => other,
            v => v,
        }
    }
}

impl Tri<bool> {
    /// `Some(true)` when known true, `Some(false)` when known false or absent with a
    /// false default, `None` when unknown.
    pub fn truth(&self, default: bool) -> Option<bool> {
        match self {
            Tri::Known(b) => Some(*b),
            Tri::Absent => Some(default),
            Tri::Unknown(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_takes_the_default_but_unknown_does_not() {
        assert_eq!(Tri::<bool>::Absent.truth(false), Some(false));
        assert_eq!(Tri::<bool>::Unknown(Gap::BeforeApply).truth(false), None);
        assert_eq!(Tri::Known(true).truth(false), Some(true));
    }
}
