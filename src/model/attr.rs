//! Tri-state attribute values: known, unknown, absent.
//!
//! A rule must be able to tell "not set, the provider default applies" (absent) from
//! "set to something we cannot know" (unknown). Collapsing the two is how scanners
//! produce both false passes and false failures.

use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(tag = "state", content = "value", rename_all = "lowercase")]
pub enum Tri<T> {
    Known(T),
    Unknown,
    #[default]
    Absent,
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
        matches!(self, Tri::Unknown)
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Tri::Absent)
    }

    pub fn as_ref(&self) -> Tri<&T> {
        match self {
            Tri::Known(v) => Tri::Known(v),
            Tri::Unknown => Tri::Unknown,
            Tri::Absent => Tri::Absent,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Tri<U> {
        match self {
            Tri::Known(v) => Tri::Known(f(v)),
            Tri::Unknown => Tri::Unknown,
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
            Tri::Unknown => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_takes_the_default_but_unknown_does_not() {
        assert_eq!(Tri::<bool>::Absent.truth(false), Some(false));
        assert_eq!(Tri::<bool>::Unknown.truth(false), None);
        assert_eq!(Tri::Known(true).truth(false), Some(true));
    }
}
