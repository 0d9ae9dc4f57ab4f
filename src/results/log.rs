//! Reading one Inspect AI log: a `.eval` file (a zip of JSON documents:
//! `header.json`, `summaries.json` or `_journal/summaries/*.json`) or a
//! `.json` file (one `EvalLog` document). Only what the results need is
//! read: the run's model, task, creation time and scorers, and each
//! sample's id, epoch, metadata and score values.

use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

/// One sample's outcome as the log records it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedSample {
    pub id: String,
    pub epoch: u32,
    /// `metadata.rule_id`, if the sample carries one.
    pub rule_id: Option<String>,
    /// The value of each scorer, by scorer name, as written.
    pub scores: Vec<(String, Value)>,
}

/// A scorer of the run, with the scale its values are on when it says so
/// (`metadata.scale = [low, high]`, e.g. a 1–7 grade).
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedScorer {
    pub name: String,
    pub scale: Option<(f64, f64)>,
}

/// What a log says of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRun {
    pub status: String,
    pub model: String,
    pub task: String,
    pub created: String,
    pub scorers: Vec<LoggedScorer>,
    pub samples: Vec<LoggedSample>,
}

#[derive(Debug, Deserialize)]
struct Header {
    #[serde(default)]
    status: String,
    eval: EvalSpec,
    #[serde(default)]
    samples: Option<Vec<RawSample>>,
}

#[derive(Debug, Deserialize)]
struct EvalSpec {
    #[serde(default)]
    task: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    created: String,
    #[serde(default)]
    scorers: Option<Vec<RawScorer>>,
}

#[derive(Debug, Deserialize)]
struct RawScorer {
    name: String,
    #[serde(default)]
    metadata: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct RawSample {
    id: Value,
    #[serde(default = "first_epoch")]
    epoch: u32,
    #[serde(default)]
    metadata: Option<Value>,
    #[serde(default)]
    scores: Option<serde_json::Map<String, Value>>,
}

fn first_epoch() -> u32 {
    1
}

/// Reads the log at `path`. The error says what is wrong with it in a
/// reader's words (not an Inspect log, truncated, ...).
pub fn read(path: &Path) -> Result<LoggedRun, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.starts_with(b"PK") {
        read_eval_zip(&bytes)
    } else {
        let mut header: Header = parse_json(&bytes, "the file")?;
        let samples = header.samples.take().unwrap_or_default();
        Ok(run_of(header, samples))
    }
}

fn read_eval_zip(bytes: &[u8]) -> Result<LoggedRun, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("is not a readable .eval archive (truncated?): {e}"))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    // A finished run has header.json; one still running (or cut short)
    // has only its journal's start.
    let header = match read_entry(&mut zip, "header.json")? {
        Some(h) => h,
        None => read_entry(&mut zip, "_journal/start.json")?
            .ok_or("is not an Inspect log: the archive has no header.json")?,
    };
    let header: Header = parse_json(&header, "header.json")?;
    let samples = match read_entry(&mut zip, "summaries.json")? {
        Some(s) => parse_json::<Vec<RawSample>>(&s, "summaries.json")?,
        None => {
            // Summaries journalled in numbered parts.
            let mut names: Vec<&String> = names
                .iter()
                .filter(|n| n.starts_with("_journal/summaries/") && n.ends_with(".json"))
                .collect();
            names.sort_by_key(|n| {
                n.trim_start_matches("_journal/summaries/")
                    .trim_end_matches(".json")
                    .parse::<u64>()
                    .unwrap_or(u64::MAX)
            });
            let mut all = Vec::new();
            for name in names {
                if let Some(part) = read_entry(&mut zip, name)? {
                    all.extend(parse_json::<Vec<RawSample>>(&part, name)?);
                }
            }
            all
        }
    };
    Ok(run_of(header, samples))
}

type Archive<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

/// An entry's bytes; `None` when the archive has no such entry.
fn read_entry(zip: &mut Archive<'_>, name: &str) -> Result<Option<Vec<u8>>, String> {
    let mut entry = match zip.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("{name} cannot be read: {e}")),
    };
    let mut out = Vec::new();
    entry
        .read_to_end(&mut out)
        .map_err(|e| format!("{name} cannot be read (truncated?): {e}"))?;
    Ok(Some(out))
}

fn run_of(header: Header, samples: Vec<RawSample>) -> LoggedRun {
    let scorers = header
        .eval
        .scorers
        .unwrap_or_default()
        .into_iter()
        .map(|s| LoggedScorer {
            scale: s.metadata.as_ref().and_then(scale_of),
            name: s.name,
        })
        .collect();
    LoggedRun {
        status: header.status,
        model: header.eval.model,
        task: header.eval.task,
        created: header.eval.created,
        scorers,
        samples: samples
            .into_iter()
            .map(|s| LoggedSample {
                id: match s.id {
                    Value::String(s) => s,
                    other => other.to_string(),
                },
                epoch: s.epoch,
                rule_id: s
                    .metadata
                    .as_ref()
                    .and_then(|m| m.get("rule_id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                scores: s
                    .scores
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(name, score)| {
                        let value = score.get("value").cloned().unwrap_or(Value::Null);
                        (name, value)
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// `metadata.scale` of a scorer: `[low, high]` or `{"min": .., "max": ..}`.
fn scale_of(meta: &Value) -> Option<(f64, f64)> {
    let scale = meta.get("scale")?;
    let (lo, hi) = match scale {
        Value::Array(a) if a.len() == 2 => (a[0].as_f64()?, a[1].as_f64()?),
        Value::Object(o) => (o.get("min")?.as_f64()?, o.get("max")?.as_f64()?),
        _ => return None,
    };
    (hi > lo).then_some((lo, hi))
}

/// Parses JSON as Python's `json` writes it: `NaN`, `Infinity` and
/// `-Infinity` (a grade that failed to parse is `NaN`) read as `null`.
fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{what} is not UTF-8"))?;
    serde_json::from_str(&non_finite_as_null(text)).map_err(|e| {
        if e.is_eof() {
            format!("{what} is truncated ({e})")
        } else {
            format!("{what} is not an Inspect log document ({e})")
        }
    })
}

/// Replaces the bare tokens `NaN`, `Infinity`, `-Infinity` outside
/// strings with `null`.
pub fn non_finite_as_null(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("NaN") && !text.contains("Infinity") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else {
            let token = ["NaN", "Infinity", "-Infinity"]
                .into_iter()
                .find(|t| rest.starts_with(t));
            if let Some(t) = token {
                out.push_str("null");
                rest = &rest[t.len()..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_numbers_read_as_null_but_not_inside_strings() {
        let text = r#"{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN \" Infinity"}"#;
        let v: Value = serde_json::from_str(&non_finite_as_null(text)).unwrap();
        assert_eq!(v["a"], Value::Null);
        assert_eq!(v["b"], serde_json::json!([null, null]));
        assert_eq!(v["c"], "NaN \" Infinity");
    }

    #[test]
    fn a_scale_is_read_from_a_pair_or_a_range() {
        assert_eq!(
            scale_of(&serde_json::json!({"scale": [1, 7]})),
            Some((1.0, 7.0))
        );
        assert_eq!(
            scale_of(&serde_json::json!({"scale": {"min": 0, "max": 10}})),
            Some((0.0, 10.0))
        );
        assert_eq!(scale_of(&serde_json::json!({"scale": [7, 1]})), None);
        assert_eq!(scale_of(&serde_json::json!({})), None);
    }
}
