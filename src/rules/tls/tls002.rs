//! TLS002 lb-listener-plaintext: a load balancer listener that accepts plaintext from
//! clients.
//!
//! An HTTP listener passes only when its default action redirects to HTTPS: a
//! `fixed-response` still receives requests (cookies, credentials) in plaintext, and
//! listener rules may forward some of them, so it fails too; listener rules cannot make
//! a listener pass, because its default action still answers every request they do not
//! match. TCP, UDP and TCP_UDP listeners of a Network Load Balancer pass bytes through:
//! clients may well speak TLS to the targets, which the configuration does not show,
//! so they are unknown. Gateway Load Balancer (GENEVE) listeners carry no client
//! protocol and are not judged. Classic ELB listeners fail on `http` and `tcp`, as the
//! catalogue defines.

use crate::model::lb::{LbListener, ListenerAction};
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for l in &inv.lb_listeners {
        if l.classic {
            classic(l, ctx);
            continue;
        }
        let port = l.port_label();
        let protocol = match l.served_protocol() {
            Ok(p) => p,
            Err(why) => {
                ctx.unknown(
                    &l.meta,
                    format!("{why}, so whether it accepts plaintext cannot be decided"),
                );
                continue;
            }
        };
        match protocol.as_str() {
            "HTTPS" | "TLS" => ctx.pass(
                &l.meta,
                format!("{protocol} listener on {port} terminates TLS at the load balancer"),
            ),
            "QUIC" => ctx.pass(
                &l.meta,
                format!("QUIC listener on {port}: QUIC always encrypts with TLS 1.3"),
            ),
            "GENEVE" => {}
            "TCP" | "UDP" | "TCP_UDP" | "TCP_QUIC" => ctx.unknown(
                &l.meta,
                format!(
                    "{protocol} listener on {port} passes traffic through without terminating \
                     TLS, so whether clients speak TLS to the targets cannot be seen; use a TLS \
                     listener to encrypt at the load balancer"
                ),
            ),
            "HTTP" => http(l, &port, ctx),
            other => ctx.unknown(
                &l.meta,
                format!(
                    "listener on {port} uses protocol {other:?}, which this rule does not know"
                ),
            ),
        }
    }
}

fn http(l: &LbListener, port: &str, ctx: &mut Ctx) {
    let actions = match &l.default_actions {
        Tri::Known(a) => a.as_slice(),
        Tri::Unknown(gap) => {
            ctx.unknown(
                &l.meta,
                format!(
                    "HTTP listener on {port} takes its default action from a dynamic block over \
                     values {gap}, so whether it redirects to HTTPS cannot be \
                     decided"
                ),
            );
            return;
        }
        Tri::Absent => &[],
    };
    let mut undecided = false;
    for a in actions {
        match (&a.kind, &a.redirect_protocol) {
            (Tri::Known(k), Tri::Known(p))
                if k == "redirect" && p.eq_ignore_ascii_case("HTTPS") =>
            {
                ctx.pass(
                    &l.meta,
                    format!("HTTP listener on {port} redirects every request to HTTPS"),
                );
                return;
            }
            (Tri::Known(k), Tri::Unknown(_)) if k == "redirect" => undecided = true,
            (Tri::Unknown(_) | Tri::Absent, _) => undecided = true,
            _ => {}
        }
    }
    if undecided {
        ctx.unknown(
            &l.meta,
            format!(
                "HTTP listener on {port} has a default action whose type or redirect protocol \
                 is {gap}, so whether it redirects to HTTPS cannot be decided",
                gap = l.meta.wording.gap
            ),
        );
        return;
    }
    ctx.fail(
        &l.meta,
        format!(
            "HTTP listener on {port} {}; make its default action a redirect to HTTPS \
             (type = \"redirect\" with redirect {{ protocol = \"HTTPS\" }})",
            what_it_does(actions)
        ),
    );
}

/// The default action, in words, for the failure message.
fn what_it_does(actions: &[ListenerAction]) -> String {
    let kind = |k: &str| {
        actions
            .iter()
            .any(|a| a.kind.known().map(String::as_str) == Some(k))
    };
    if kind("redirect") {
        let target = actions
            .iter()
            .find_map(|a| a.redirect_protocol.known().cloned());
        match target {
            Some(p) if p != "#{protocol}" => format!("redirects to {p}, not HTTPS"),
            _ => "redirects but keeps the request's protocol (`#{protocol}`, the default), so \
                  requests stay on plaintext HTTP"
                .to_string(),
        }
    } else if kind("fixed-response") {
        "answers with a fixed response but still receives requests, cookies and credentials in \
         plaintext, and listener rules can forward them"
            .to_string()
    } else if kind("forward") {
        "forwards plaintext HTTP to its targets".to_string()
    } else {
        "serves plaintext HTTP".to_string()
    }
}

fn classic(l: &LbListener, ctx: &mut Ctx) {
    let port = l.port_label();
    let protocol = match &l.protocol {
        Tri::Known(p) => p.to_ascii_uppercase(),
        Tri::Unknown(gap) if l.port.is_unknown() => {
            ctx.unknown(
                &l.meta,
                format!("the listeners of this classic ELB come from a dynamic block over values {gap}, so whether they accept plaintext cannot be decided"),
            );
            return;
        }
        Tri::Unknown(_) | Tri::Absent => {
            ctx.unknown(
                &l.meta,
                format!(
                    "classic ELB listener on {port}: lb_protocol is {gap}",
                    gap = l.meta.wording.gap
                ),
            );
            return;
        }
    };
    match protocol.as_str() {
        "HTTPS" | "SSL" => ctx.pass(
            &l.meta,
            format!("classic ELB listener on {port} terminates TLS ({protocol})"),
        ),
        "HTTP" => ctx.fail(
            &l.meta,
            format!(
                "classic ELB listener on {port} accepts plaintext HTTP; use lb_protocol = \
                 \"https\" with a certificate (a classic ELB cannot redirect, so move to an \
                 Application Load Balancer if port 80 must stay open)"
            ),
        ),
        "TCP" => ctx.fail(
            &l.meta,
            format!(
                "classic ELB listener on {port} passes TCP through without TLS at the load \
                 balancer; use lb_protocol = \"ssl\" with a certificate, or suppress with the \
                 reason if the instances terminate TLS"
            ),
        ),
        other => ctx.unknown(
            &l.meta,
            format!("classic ELB listener on {port} uses protocol {other:?}, which this rule does not know"),
        ),
    }
}
