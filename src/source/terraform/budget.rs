//! Evaluation budgets: what evaluating one root module (with every module it calls)
//! may cost.
//!
//! A scanned configuration is untrusted input (a pull request from anyone), and
//! Terraform's language lets a few lines ask for millions of values: six nested `for`
//! expressions over `range(10)` make a million strings. Past a budget the value being
//! evaluated becomes unknown, the scan reports where and which budget, and everything
//! else goes on; the defaults sit far above what real configurations need (see
//! docs/config.md), and `[evaluation]` in .soc2scan.toml raises them.

use std::cell::Cell;

/// Limits on evaluating one root module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budgets {
    /// Expressions evaluated per root (`max-steps`).
    pub steps: u32,
    /// Elements one `for` expression, `count`, `for_each` or dynamic block may
    /// produce (`max-elements`).
    pub elements: u32,
    /// Bytes of strings that templates and functions may produce per root
    /// (`max-string-bytes`).
    pub string_bytes: u32,
}

impl Default for Budgets {
    fn default() -> Budgets {
        Budgets {
            steps: 1_000_000,
            elements: 10_000,
            string_bytes: 32 * 1024 * 1024,
        }
    }
}

/// Which budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spent {
    Steps,
    Elements,
    StringBytes,
}

impl Spent {
    /// The budget's name, as `[evaluation]` in .soc2scan.toml spells it, and its limit.
    pub fn describe(self, b: &Budgets) -> String {
        match self {
            Spent::Steps => format!("max-steps = {}", b.steps),
            Spent::Elements => format!("max-elements = {}", b.elements),
            Spent::StringBytes => format!("max-string-bytes = {}", b.string_bytes),
        }
    }
}

/// What one root's evaluation has spent so far. Steps and string bytes are totals
/// for the root: once either runs out, every later expression of that root is
/// unknown, so the cost stays bounded whatever the input.
#[derive(Debug, Default)]
pub struct Meter {
    budgets: Budgets,
    steps: Cell<u64>,
    string_bytes: Cell<u64>,
    spent: Cell<Option<Spent>>,
}

impl Meter {
    pub fn new(budgets: Budgets) -> Meter {
        Meter {
            budgets,
            ..Meter::default()
        }
    }

    pub fn budgets(&self) -> &Budgets {
        &self.budgets
    }

    /// The root-wide budget that ran out, if one did.
    pub fn spent(&self) -> Option<Spent> {
        self.spent.get()
    }

    /// Count one evaluation step; `false` once the root's steps are spent.
    pub fn step(&self) -> bool {
        if self.spent.get().is_some() {
            return false;
        }
        let n = self.steps.get() + 1;
        self.steps.set(n);
        if n > u64::from(self.budgets.steps) {
            self.spent.set(Some(Spent::Steps));
            return false;
        }
        true
    }

    /// Count the bytes of a string just produced; `false` once the root's string
    /// bytes are spent.
    pub fn string(&self, len: usize) -> bool {
        let n = self.string_bytes.get().saturating_add(len as u64);
        self.string_bytes.set(n);
        if n > u64::from(self.budgets.string_bytes) {
            self.spent.set(Some(Spent::StringBytes));
            return false;
        }
        true
    }

    /// Whether one collection of `len` elements fits.
    pub fn elements(&self, len: usize) -> bool {
        len <= self.budgets.elements as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_out_and_stay_out() {
        let m = Meter::new(Budgets {
            steps: 2,
            ..Budgets::default()
        });
        assert!(m.step() && m.step());
        assert!(!m.step());
        assert_eq!(m.spent(), Some(Spent::Steps));
        assert!(!m.step());
    }

    #[test]
    fn string_bytes_are_a_total() {
        let m = Meter::new(Budgets {
            string_bytes: 10,
            ..Budgets::default()
        });
        assert!(m.string(6));
        assert!(!m.string(6));
        assert_eq!(m.spent(), Some(Spent::StringBytes));
        assert!(!m.step(), "a spent root evaluates nothing more");
    }

    #[test]
    fn elements_are_per_collection() {
        let m = Meter::new(Budgets {
            elements: 3,
            ..Budgets::default()
        });
        assert!(m.elements(3));
        assert!(!m.elements(4));
        assert_eq!(m.spent(), None);
        assert!(m.elements(3));
    }

    #[test]
    fn descriptions_name_the_config_key() {
        let b = Budgets::default();
        assert_eq!(Spent::Elements.describe(&b), "max-elements = 10000");
    }
}
