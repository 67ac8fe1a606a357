//! Functions of the AWS provider (`provider::aws::...`).

use super::{all_known, arity, fail, string, Out};
use crate::model::value::{Unknown, Value, HOLE};
use std::collections::BTreeMap;

const ARN_FIELDS: [&str; 5] = ["partition", "service", "region", "account_id", "resource"];

/// The object `arn_parse` returns, from the six `:`-separated sections.
fn arn_object(sections: &[&str], resource: Value) -> Value {
    let mut map: BTreeMap<String, Value> = ARN_FIELDS[..4]
        .iter()
        .zip(&sections[1..5])
        .map(|(k, v)| (k.to_string(), Value::str(*v)))
        .collect();
    map.insert("resource".into(), resource);
    Value::Map(map)
}

/// `provider::aws::arn_parse(arn)`, as the AWS SDK parses ARNs: `arn:` and at least
/// six sections, the last one (resource) keeping any further colons. On an ARN built
/// from a template whose unknown parts are all in the resource, the other fields are
/// known.
pub(super) fn arn_parse(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    if let Value::Unknown(u) = &args[0] {
        if let Some(shape) = &u.shape {
            let sections: Vec<&str> = shape.splitn(6, ':').collect();
            if sections.len() == 6
                && sections[0] == "arn"
                && !sections[..5].iter().any(|s| s.contains(HOLE))
            {
                let resource = Value::Unknown(Box::new(Unknown {
                    shape: Some(sections[5].to_string()),
                    ..(**u).clone()
                }));
                return Ok(arn_object(&sections, resource));
            }
        }
    }
    all_known(args)?;
    let arn = string(&args[0])?;
    if !arn.starts_with("arn:") {
        return Err(fail("arn: invalid prefix"));
    }
    let sections: Vec<&str> = arn.splitn(6, ':').collect();
    if sections.len() != 6 {
        return Err(fail("arn: not enough sections"));
    }
    Ok(arn_object(&sections, Value::str(sections[5])))
}

/// `provider::aws::arn_build(partition, service, region, account_id, resource)`.
pub(super) fn arn_build(args: &[Value]) -> Out {
    arity(args, 5, 5)?;
    all_known(args)?;
    let parts = args.iter().map(string).collect::<Result<Vec<_>, _>>()?;
    Ok(Value::String(format!("arn:{}", parts.join(":"))))
}

/// `provider::aws::trim_iam_role_path(arn)`: drop the path of an IAM role ARN.
pub(super) fn trim_iam_role_path(args: &[Value]) -> Out {
    arity(args, 1, 1)?;
    all_known(args)?;
    let arn = string(&args[0])?;
    let sections: Vec<&str> = arn.splitn(6, ':').collect();
    let (Some(&"arn"), Some(&"iam"), Some(resource)) =
        (sections.first(), sections.get(2), sections.get(5))
    else {
        return Err(fail(format!("invalid IAM role ARN {arn:?}")));
    };
    let Some(path) = resource.strip_prefix("role/") else {
        return Err(fail(format!("invalid IAM role ARN {arn:?}")));
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    Ok(Value::String(format!(
        "{}:role/{name}",
        sections[..5].join(":")
    )))
}

#[cfg(test)]
mod tests {
    use super::super::tests::*;
    use crate::model::value::Value;

    #[test]
    fn parse_and_build() {
        let parsed = ok(
            "provider::aws::arn_parse",
            &[s("arn:aws:iam::444455556666:role/example")],
        );
        assert_eq!(
            parsed,
            map(&[
                ("account_id", s("444455556666")),
                ("partition", s("aws")),
                ("region", s("")),
                ("resource", s("role/example")),
                ("service", s("iam")),
            ])
        );
        let parsed = ok(
            "provider::aws::arn_parse",
            &[s("arn:aws:logs:us-east-1:1:log-group:x:*")],
        );
        assert_eq!(parsed.get("resource"), Some(&s("log-group:x:*")));
        assert!(err("provider::aws::arn_parse", &[s("aws:iam::1:role/x")]));
        assert!(err("provider::aws::arn_parse", &[s("arn:aws:iam")]));
        assert_eq!(
            ok(
                "provider::aws::arn_build",
                &[s("aws"), s("iam"), s(""), s("1"), s("role/x")]
            ),
            s("arn:aws:iam::1:role/x")
        );
        assert_eq!(
            ok(
                "provider::aws::trim_iam_role_path",
                &[s("arn:aws:iam::1:role/path/to/x")]
            ),
            s("arn:aws:iam::1:role/x")
        );
        assert!(err(
            "provider::aws::trim_iam_role_path",
            &[s("arn:aws:s3:::b")]
        ));
    }

    #[test]
    fn parse_of_template_arn() {
        let arn = shaped("arn:aws:s3:::\u{FFFC}/*", &["aws_s3_bucket.b.id"]);
        let parsed = ok("provider::aws::arn_parse", &[arn]);
        assert_eq!(parsed.get("service"), Some(&s("s3")));
        let Some(Value::Unknown(u)) = parsed.get("resource") else {
            panic!("{parsed:?}")
        };
        assert_eq!(u.shape.as_deref(), Some("\u{FFFC}/*"));
        // A hole before the resource could hide a colon: nothing is known.
        let arn = shaped("arn:aws:iam::\u{FFFC}:role/x", &[]);
        assert!(ok("provider::aws::arn_parse", &[arn]).is_unknown());
    }
}
