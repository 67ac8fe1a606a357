//! SIGINT and SIGTERM during a live sweep. A nightly job that is cancelled (a CI
//! timeout, a deploy, Ctrl-C) must still leave evidence of what it saw: the first
//! signal stops the sweep, which keeps what its finished collectors returned and
//! records every unfinished one as an interrupted collection gap, so the outputs are
//! written, marked incomplete, and the run exits 3. A second signal ends the process
//! at once (exit 130), as users expect of a second Ctrl-C.
//!
//! The handlers exist only while a sweep runs; a Terraform-only scan keeps the
//! default behaviour (its outputs are written atomically either way).

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::SigId;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the sweep looks at the flag: well inside the 2 s a stop may take.
const POLL: Duration = Duration::from_millis(50);

/// Exit status of the second signal: 128 + SIGINT, the shell's convention.
const FORCED_EXIT: i32 = 130;

/// Signal handlers installed for the lifetime of the value.
pub struct Interrupt {
    /// The number of the first signal received, 0 until then.
    received: Arc<AtomicUsize>,
    handlers: Vec<SigId>,
}

impl Interrupt {
    /// Install the handlers. If the system refuses one, the sweep runs without it
    /// (the default behaviour: the signal ends the process).
    pub fn install() -> Interrupt {
        let received = Arc::new(AtomicUsize::new(0));
        // Set by the first signal; a signal that finds it set ends the process.
        let armed = Arc::new(AtomicBool::new(false));
        let mut handlers = Vec::new();
        for signal in [SIGINT, SIGTERM] {
            // The shutdown check is registered before the handler that arms it, so
            // the first signal finds it unarmed.
            let registered = [
                signal_hook::flag::register_conditional_shutdown(
                    signal,
                    FORCED_EXIT,
                    armed.clone(),
                ),
                signal_hook::flag::register(signal, armed.clone()),
                signal_hook::flag::register_usize(signal, received.clone(), signal as usize),
            ];
            handlers.extend(registered.into_iter().flatten());
        }
        Interrupt { received, handlers }
    }

    /// The signal's name once one was received.
    pub fn received(&self) -> Option<&'static str> {
        match self.received.load(Ordering::SeqCst) {
            0 => None,
            s if s == SIGTERM as usize => Some("SIGTERM"),
            _ => Some("SIGINT"),
        }
    }

    /// Resolves with the signal's name when one arrives.
    pub async fn wait(&self) -> &'static str {
        loop {
            if let Some(name) = self.received() {
                return name;
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

impl Drop for Interrupt {
    fn drop(&mut self) {
        for id in self.handlers.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}
