//! KMS004 kms-deletion-window-short: a key scheduled for deletion can be recovered
//! only during its waiting period; a short window leaves little time to notice that
//! data still depends on the key before it becomes unreadable for good. The minimum
//! comes from the configuration (`kms_min_deletion_window_days`, default 30); an
//! absent `deletion_window_in_days` is the provider default, 30.

use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

/// `deletion_window_in_days` when absent.
const DEFAULT_WINDOW_DAYS: f64 = 30.0;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    let min = f64::from(ctx.settings.kms_min_deletion_window_days);
    // The policy of a key declared elsewhere says nothing of its deletion window.
    for k in super::customer_keys(inv).filter(|k| k.is_declared_here()) {
        // Live, KMS005 judges keys pending deletion that are still in use.
        if !k.declares_deletion_window() {
            continue;
        }
        let (days, set) = match k.deletion_window_days {
            Tri::Known(d) => (d, true),
            Tri::Absent => (DEFAULT_WINDOW_DAYS, false),
            Tri::Unknown(gap) => {
                ctx.unknown(&k.meta, format!("deletion_window_in_days is {gap}"));
                continue;
            }
        };
        let how = if set {
            format!("deletion_window_in_days = {days}")
        } else {
            format!("deletion_window_in_days is not set and defaults to {days}")
        };
        if days < min {
            ctx.fail(
                &k.meta,
                format!("{how}, below the required minimum of {min} days; set deletion_window_in_days to at least {min}"),
            );
        } else {
            ctx.pass(&k.meta, format!("{how}, at least the required {min} days"));
        }
    }
}
