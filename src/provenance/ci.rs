//! The CI job that ran a scan, from each provider's documented environment variables
//! (GitHub Actions, GitLab CI, Buildkite, CircleCI).

use crate::provenance::CiContext;

/// The CI context of the current process, if it runs under a known provider.
pub fn detect() -> Option<CiContext> {
    from_env(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

/// `detect` over any variable lookup, so tests need not touch the process environment.
pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Option<CiContext> {
    if var("GITHUB_ACTIONS").as_deref() == Some("true") {
        let run_url = match (
            var("GITHUB_SERVER_URL"),
            var("GITHUB_REPOSITORY"),
            var("GITHUB_RUN_ID"),
        ) {
            (Some(server), Some(repo), Some(id)) => Some(format!(
                "{}/{repo}/actions/runs/{id}",
                server.trim_end_matches('/')
            )),
            _ => None,
        };
        return Some(CiContext {
            provider: "github-actions".into(),
            run_id: var("GITHUB_RUN_ID").map(|id| match var("GITHUB_RUN_ATTEMPT") {
                Some(attempt) => format!("{id}/{attempt}"),
                None => id,
            }),
            run_url,
            job: var("GITHUB_JOB").or_else(|| var("GITHUB_WORKFLOW")),
            repository: var("GITHUB_REPOSITORY"),
            git_ref: var("GITHUB_REF"),
            actor: var("GITHUB_ACTOR"),
        });
    }
    if var("GITLAB_CI").as_deref() == Some("true") {
        return Some(CiContext {
            provider: "gitlab-ci".into(),
            run_id: var("CI_PIPELINE_ID"),
            run_url: var("CI_JOB_URL").or_else(|| var("CI_PIPELINE_URL")),
            job: var("CI_JOB_NAME"),
            repository: var("CI_PROJECT_PATH"),
            git_ref: var("CI_COMMIT_REF_NAME"),
            actor: var("GITLAB_USER_LOGIN"),
        });
    }
    if var("BUILDKITE").as_deref() == Some("true") {
        return Some(CiContext {
            provider: "buildkite".into(),
            run_id: var("BUILDKITE_BUILD_ID"),
            run_url: var("BUILDKITE_BUILD_URL"),
            job: var("BUILDKITE_LABEL").or_else(|| var("BUILDKITE_STEP_KEY")),
            repository: var("BUILDKITE_REPO"),
            git_ref: var("BUILDKITE_BRANCH"),
            actor: var("BUILDKITE_BUILD_CREATOR"),
        });
    }
    if var("CIRCLECI").as_deref() == Some("true") {
        return Some(CiContext {
            provider: "circleci".into(),
            run_id: var("CIRCLE_WORKFLOW_ID").or_else(|| var("CIRCLE_BUILD_NUM")),
            run_url: var("CIRCLE_BUILD_URL"),
            job: var("CIRCLE_JOB"),
            repository: var("CIRCLE_PROJECT_USERNAME")
                .zip(var("CIRCLE_PROJECT_REPONAME"))
                .map(|(owner, repo)| format!("{owner}/{repo}")),
            git_ref: var("CIRCLE_BRANCH").or_else(|| var("CIRCLE_TAG")),
            actor: var("CIRCLE_USERNAME"),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn ctx(vars: &[(&str, &str)]) -> Option<CiContext> {
        let map: BTreeMap<&str, &str> = vars.iter().copied().collect();
        from_env(|k| map.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn github_actions_run_url_and_attempt() {
        let c = ctx(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_SERVER_URL", "https://github.com/"),
            ("GITHUB_REPOSITORY", "acme/infra"),
            ("GITHUB_RUN_ID", "42"),
            ("GITHUB_RUN_ATTEMPT", "2"),
            ("GITHUB_JOB", "nightly"),
            ("GITHUB_REF", "refs/heads/main"),
        ])
        .expect("github");
        assert_eq!(c.provider, "github-actions");
        assert_eq!(c.run_id.as_deref(), Some("42/2"));
        assert_eq!(
            c.run_url.as_deref(),
            Some("https://github.com/acme/infra/actions/runs/42")
        );
        assert_eq!(c.job.as_deref(), Some("nightly"));
    }

    #[test]
    fn each_provider_is_recognised_and_none_outside_ci() {
        assert_eq!(
            ctx(&[
                ("GITLAB_CI", "true"),
                ("CI_JOB_URL", "https://gitlab.example/j/1")
            ])
            .map(|c| (c.provider, c.run_url)),
            Some((
                "gitlab-ci".into(),
                Some("https://gitlab.example/j/1".into())
            ))
        );
        assert_eq!(
            ctx(&[("BUILDKITE", "true")]).map(|c| c.provider),
            Some("buildkite".into())
        );
        assert_eq!(
            ctx(&[
                ("CIRCLECI", "true"),
                ("CIRCLE_PROJECT_USERNAME", "acme"),
                ("CIRCLE_PROJECT_REPONAME", "infra")
            ])
            .and_then(|c| c.repository),
            Some("acme/infra".into())
        );
        assert_eq!(ctx(&[("CI", "true")]), None);
    }
}
