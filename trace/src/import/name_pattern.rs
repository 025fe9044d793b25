//! Environment labels taken from file names.
//!
//! A pattern such as `bob-redis-{os}-{k8s_distribution}-{k8s_version}.yaml`
//! is matched against the file name (not the directory). `{key}` takes one
//! or more characters, preferring the longest match from the left, which
//! is what names like `ubuntu-22.04` need; `{key:REGEX}` gives the regex
//! explicitly; `{_}` matches without keeping the value. Everything else is
//! literal.

use regex::Regex;

/// A compiled file-name pattern.
#[derive(Debug, Clone)]
pub struct NamePattern {
    regex: Regex,
    keys: Vec<String>,
    text: String,
}

impl NamePattern {
    /// Compiles a pattern; errors say what is wrong with it.
    pub fn new(pattern: &str) -> Result<NamePattern, String> {
        let mut re = String::from("^");
        let mut keys = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            re.push_str(&regex::escape(&rest[..open]));
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("name pattern `{pattern}`: `{{` without `}}`"))?
                + open;
            let inner = &rest[open + 1..close];
            let (key, body) = inner.split_once(':').unwrap_or((inner, ".+"));
            if key != "_" && !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("name pattern `{pattern}`: bad key `{key}`"));
            }
            if key == "_" {
                re.push_str(&format!("(?:{body})"));
            } else {
                re.push_str(&format!("(?P<g{}>{body})", keys.len()));
                keys.push(key.to_owned());
            }
            rest = &rest[close + 1..];
        }
        re.push_str(&regex::escape(rest));
        re.push('$');
        let regex = Regex::new(&re).map_err(|e| format!("name pattern `{pattern}`: {e}"))?;
        Ok(NamePattern {
            regex,
            keys,
            text: pattern.to_owned(),
        })
    }

    /// The labels a file name yields, or `None` if it does not fit.
    pub fn labels(&self, file_name: &str) -> Option<Vec<(String, String)>> {
        let caps = self.regex.captures(file_name)?;
        Some(
            self.keys
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let v = caps.name(&format!("g{i}")).map_or("", |m| m.as_str());
                    (k.clone(), v.to_owned())
                })
                .collect(),
        )
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_names() {
        let p = NamePattern::new("bob-redis-{os}-{k8s_distribution}-{k8s_version}.yaml").unwrap();
        let l = p.labels("bob-redis-ubuntu-22.04-k3s-v1.33.3.yaml").unwrap();
        assert_eq!(
            l,
            vec![
                ("os".into(), "ubuntu-22.04".into()),
                ("k8s_distribution".into(), "k3s".into()),
                ("k8s_version".into(), "v1.33.3".into())
            ]
        );
        assert!(p.labels("bob612talos.yaml").is_none());
    }

    #[test]
    fn explicit_regex_and_ignored() {
        let p = NamePattern::new("{_}-{v:[0-9]+}.json").unwrap();
        assert_eq!(
            p.labels("x-y-12.json").unwrap(),
            vec![("v".into(), "12".into())]
        );
        assert!(NamePattern::new("{unclosed").is_err());
        assert!(NamePattern::new("{a b}").is_err());
    }
}
