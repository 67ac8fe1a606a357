//! TLS008 rds-tls-not-enforced: an RDS instance or cluster whose parameter group lets
//! clients connect without TLS.
//!
//! The engine decides the parameter: `rds.force_ssl` for PostgreSQL and SQL Server,
//! `require_secure_transport` for MySQL and MariaDB (Aurora alike). When the group does
//! not set it (or no custom group is used), the engine default applies: on only for RDS
//! for PostgreSQL 15 and later, RDS for MariaDB 11.8 and later and RDS for MySQL 9.7
//! and later (documented defaults; sources in `rules/TLS008.toml`). The version comes
//! from `engine_version`, else from the custom group's family. Without either, RDS
//! picks the engine's default version at creation, which changes over time, so the
//! default is not a control: the result is a failure (not enforced in
//! configuration); a version not known before apply gives unknown.

use crate::model::parameter_group::ParameterGroup;
use crate::model::rds::DbInstance;
use crate::model::Meta;
use crate::model::{Inventory, Tri};
use crate::rules::Ctx;

pub fn check(inv: &Inventory, ctx: &mut Ctx) {
    for db in inv.db_instances.iter().filter(|d| !d.tls_from_cluster) {
        let meta = db.tls_meta();
        let kind = if db.cluster { "cluster" } else { "instance" };
        let engine = match &db.engine {
            Tri::Known(e) => e.to_ascii_lowercase(),
            Tri::Unknown(_) | Tri::Absent => {
                ctx.unknown(
                    &meta,
                    format!("the {kind}'s engine is {gap}, so which TLS parameter applies cannot be decided", gap = meta.wording.gap),
                );
                continue;
            }
        };
        let Some(family) = Family::of(&engine) else {
            ctx.unknown(
                &meta,
                format!(
                    "{engine} does not enforce TLS through a parameter group (Oracle uses an \
                     option group SSL option, Db2 `db2comm`); not evaluated by this rule"
                ),
            );
            continue;
        };
        let param = family.parameter();
        let group = match &db.parameter_group {
            Tri::Known(g) => g,
            Tri::Unknown(_) | Tri::Absent => {
                ctx.unknown(
                    &meta,
                    format!("the {kind}'s parameter group is {gap}, so whether it sets {param} cannot be decided", gap = meta.wording.gap),
                );
                continue;
            }
        };
        let (value, source, family_hint) = match group {
            ParameterGroup::External(name) => {
                ctx.unknown(
                    &meta,
                    format!("uses parameter group {name}, which is not defined in the scanned configuration, so whether it sets {param} cannot be decided"),
                );
                continue;
            }
            ParameterGroup::Default(name) => (
                Tri::Absent,
                match name {
                    Some(n) => format!("the AWS default parameter group {n}"),
                    None => "the AWS default parameter group".to_string(),
                },
                None,
            ),
            ParameterGroup::Managed(g) => (
                g.value(param),
                format!("parameter group {}", g.address),
                g.family.known().cloned(),
            ),
        };
        match value {
            Tri::Known(v) if is_on(&v) => ctx.pass(
                &meta,
                format!("{source} sets {param} = {v}: clients must connect with TLS"),
            ),
            Tri::Known(v) => ctx.fail(
                &meta,
                format!(
                    "{source} sets {param} = {v}, so clients may connect without TLS; set it to {}",
                    family.on_value()
                ),
            ),
            Tri::Unknown(gap) => {
                ctx.unknown(&meta, format!("whether {source} sets {param} is {gap}"))
            }
            Tri::Absent => judge_default(db, &meta, family, &engine, &source, family_hint, ctx),
        }
    }
}

/// The group leaves the parameter at the engine default.
fn judge_default(
    db: &DbInstance,
    meta: &Meta,
    family: Family,
    engine: &str,
    source: &str,
    group_family: Option<String>,
    ctx: &mut Ctx,
) {
    let param = family.parameter();
    let version = db.engine_version.known().cloned().or_else(|| {
        group_family.as_deref().map(|f| {
            f.trim_start_matches(|c: char| !c.is_ascii_digit())
                .to_string()
        })
    });
    let default_on = match family.default_on_from() {
        None => Some(false),
        Some(min) => version.as_deref().and_then(major_minor).map(|v| v >= min),
    };
    let fix = format!(
        "use a custom parameter group with {param} = {}",
        family.on_value()
    );
    match default_on {
        Some(true) => ctx.pass(
            meta,
            format!(
                "{source} leaves {param} at its default, which is on for {engine} {}",
                version.unwrap_or_default()
            ),
        ),
        Some(false) => ctx.fail(
            meta,
            format!("{source} leaves {param} at its {engine} default, off, so clients may connect without TLS; {fix}"),
        ),
        None if db.engine_version.is_unknown() => ctx.unknown(
            meta,
            format!(
                "{source} leaves {param} at its default, which for {engine} depends on the \
                 engine version, {gap}; {fix}"
            , gap = meta.wording.gap),
        ),
        None => ctx.fail(
            meta,
            format!(
                "{source} leaves {param} at its default, which for {engine} depends on the \
                 engine version, and neither engine_version nor a parameter group family \
                 names one (RDS picks its current default version), so TLS is not enforced \
                 in configuration; {fix}"
            ),
        ),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Postgres,
    AuroraPostgres,
    SqlServer,
    MySql,
    MariaDb,
    AuroraMySql,
}

impl Family {
    fn of(engine: &str) -> Option<Family> {
        match engine {
            "postgres" => Some(Family::Postgres),
            "aurora-postgresql" => Some(Family::AuroraPostgres),
            "mysql" => Some(Family::MySql),
            "mariadb" => Some(Family::MariaDb),
            "aurora" | "aurora-mysql" => Some(Family::AuroraMySql),
            e if e.starts_with("sqlserver") => Some(Family::SqlServer),
            _ => None,
        }
    }

    fn parameter(self) -> &'static str {
        match self {
            Family::Postgres | Family::AuroraPostgres | Family::SqlServer => "rds.force_ssl",
            Family::MySql | Family::MariaDb | Family::AuroraMySql => "require_secure_transport",
        }
    }

    fn on_value(self) -> &'static str {
        match self {
            Family::Postgres | Family::AuroraPostgres | Family::SqlServer => "1",
            Family::MySql | Family::MariaDb | Family::AuroraMySql => "ON",
        }
    }

    /// The first version whose default parameter group requires TLS, if any: RDS for
    /// PostgreSQL 15 (`rds.force_ssl` defaults to 1), RDS for MariaDB 11.8 and RDS for
    /// MySQL 9.7 (`require_secure_transport` defaults to ON).
    fn default_on_from(self) -> Option<(u32, u32)> {
        match self {
            Family::Postgres => Some((15, 0)),
            Family::MariaDb => Some((11, 8)),
            Family::MySql => Some((9, 7)),
            Family::AuroraPostgres | Family::SqlServer | Family::AuroraMySql => None,
        }
    }
}

fn is_on(v: &str) -> bool {
    matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "on" | "true")
}

/// `16.4` → (16, 4), `15` → (15, 0), `11.8.2` → (11, 8), `9.6.24` → (9, 6).
fn major_minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_from_engine_versions_and_families() {
        assert_eq!(major_minor("16.4"), Some((16, 4)));
        assert_eq!(major_minor("15"), Some((15, 0)));
        assert_eq!(major_minor("11.8.2"), Some((11, 8)));
        assert_eq!(major_minor("9.6.24"), Some((9, 6)));
        assert_eq!(major_minor("x"), None);
    }
}
