//! Per-service pacing. AWS throttles each account's API calls per service, and some
//! services allow few: IAM and Organizations are control-plane services shared by the
//! whole account, and a nightly sweep must not starve the deploys that run beside it.
//! Adaptive retries recover from throttling; pacing keeps the sweep from causing it.
//! Each account has its own pacers, as AWS counts requests per account.

use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Calls started per second in one account, by service. Well under the rates AWS
/// documents or that are commonly observed before throttling (IAM and Organizations
/// in the tens, data-plane describe calls in the hundreds), so that other callers
/// in the account keep most of the budget.
pub const RATES: &[(&str, u32)] = &[
    ("organizations", 4),
    ("iam", 8),
    ("sts", 10),
    ("cloudfront", 8),
    ("s3", 50),
    ("kms", 50),
    ("rds", 20),
    ("elbv2", 20),
    ("elb", 20),
    ("dynamodb", 20),
    ("sqs", 50),
    ("sns", 20),
    ("ec2", 20),
];

/// Spaces call starts at least `interval` apart.
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    /// The pacer of `service`, or `None` for a service without a rate.
    pub fn for_service(service: &str) -> Option<Pacer> {
        let (_, rate) = RATES.iter().find(|(s, _)| *s == service)?;
        Some(Pacer {
            interval: Duration::from_secs(1) / (*rate).max(1),
            next: Mutex::new(None),
        })
    }

    /// Waits for this call's slot: the first call goes at once, each later one
    /// `interval` after the slot before it (or at once when the service was idle).
    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            take_slot(&mut next, Instant::now(), self.interval)
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// The slot of a call asked for at `now`, moving `next` one interval past it.
fn take_slot(next: &mut Option<Instant>, now: Instant, interval: Duration) -> Instant {
    let slot = next.map_or(now, |n| n.max(now));
    *next = Some(slot + interval);
    slot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_swept_service_is_paced() {
        for s in super::super::SERVICES {
            assert!(Pacer::for_service(s).is_some(), "{s} has no rate");
        }
        assert!(Pacer::for_service("organizations").is_some());
        assert!(Pacer::for_service("nope").is_none());
    }

    #[test]
    fn slots_are_spaced_by_the_interval_and_an_idle_service_goes_at_once() {
        let interval = Duration::from_millis(250);
        let t0 = Instant::now();
        let mut next = None;
        let burst: Vec<Duration> = (0..4)
            .map(|_| take_slot(&mut next, t0, interval) - t0)
            .collect();
        assert_eq!(
            burst,
            [0, 250, 500, 750].map(Duration::from_millis).to_vec()
        );
        // Long after the burst: no debt carried over.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(take_slot(&mut next, later, interval), later);
    }
}
