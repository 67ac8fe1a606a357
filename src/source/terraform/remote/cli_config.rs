//! The Terraform CLI configuration (`TF_CLI_CONFIG_FILE`, else `~/.terraformrc`):
//! `host` blocks that override a registry's service discovery and `credentials`
//! blocks with API tokens, plus `TF_TOKEN_<host>` environment variables, read the
//! way `terraform init` reads them so that private registries resolve alike.

use hcl_edit::expr::{Expression, ObjectKey};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct CliConfig {
    /// Host name to its service URLs (`modules.v1` = base URL).
    pub hosts: BTreeMap<String, BTreeMap<String, String>>,
    /// Host name to API token.
    tokens: BTreeMap<String, String>,
}

impl CliConfig {
    /// Read the configuration file terraform would read. A missing default file is
    /// no configuration; an unreadable or invalid one is an error naming the file.
    pub fn load() -> Result<CliConfig, String> {
        let path = match std::env::var_os("TF_CLI_CONFIG_FILE") {
            Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
            _ => dirs::home_dir()
                .map(|h| h.join(".terraformrc"))
                .filter(|p| p.is_file()),
        };
        let mut config = match path {
            Some(p) => CliConfig::read(&p)?,
            None => CliConfig::default(),
        };
        for (key, value) in std::env::vars() {
            if let Some(host) = key.strip_prefix("TF_TOKEN_") {
                config.tokens.insert(env_host(host), value);
            }
        }
        Ok(config)
    }

    pub fn read(path: &Path) -> Result<CliConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        CliConfig::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<CliConfig, String> {
        let body = hcl_edit::parser::parse_body(text).map_err(|e| e.to_string())?;
        let mut config = CliConfig::default();
        for block in body.blocks() {
            let Some(host) = block.labels.first().map(|l| normalize_host(l.as_str())) else {
                continue;
            };
            let attr = |name: &str| {
                block
                    .body
                    .attributes()
                    .filter(|a| a.key.as_str() == name)
                    .last()
                    .map(|a| &a.value)
            };
            match block.ident.as_str() {
                "host" => {
                    let services = attr("services")
                        .and_then(Expression::as_object)
                        .map(|obj| {
                            obj.iter()
                                .filter_map(|(k, v)| {
                                    let key = match k {
                                        ObjectKey::Ident(i) => i.as_str().to_string(),
                                        ObjectKey::Expression(e) => e.as_str()?.to_string(),
                                    };
                                    Some((key, v.expr().as_str()?.to_string()))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    config.hosts.insert(host, services);
                }
                "credentials" => {
                    if let Some(token) = attr("token").and_then(Expression::as_str) {
                        config.tokens.insert(host, token.to_string());
                    }
                }
                _ => {}
            }
        }
        Ok(config)
    }

    pub fn token(&self, host: &str) -> Option<&str> {
        self.tokens.get(&normalize_host(host)).map(String::as_str)
    }
}

/// Host names compare lowercased, without the default HTTPS port.
pub fn normalize_host(host: &str) -> String {
    let h = host.to_ascii_lowercase();
    h.strip_suffix(":443").map(str::to_string).unwrap_or(h)
}

/// `TF_TOKEN_app_example_com` names `app.example.com`; a double underscore is a hyphen.
fn env_host(var: &str) -> String {
    normalize_host(
        &var.replace("__", "\u{0}")
            .replace('_', ".")
            .replace('\u{0}', "-"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_credentials_blocks() {
        let c = CliConfig::parse(
            r#"
host "registry.terraform.io" {
  services = {
    "modules.v1" = "http://127.0.0.1:9/v1/modules/"
  }
}
credentials "App.Example.com:443" {
  token = "secret"
}
plugin_cache_dir = "/tmp"
"#,
        )
        .expect("parses");
        assert_eq!(
            c.hosts["registry.terraform.io"]["modules.v1"],
            "http://127.0.0.1:9/v1/modules/"
        );
        assert_eq!(c.token("app.example.com"), Some("secret"));
        assert_eq!(env_host("my__reg_example_com"), "my-reg.example.com");
    }
}
