//! The edit that adds an object as a new document at the end of a source: `---` and YAML
//! as kubectl prints it, or one more JSON value for a JSON stream.

use super::Edit;
use crate::yaml;
use serde_json::Value;

pub(super) fn append_document(text: &str, object: &Value) -> Result<Edit, String> {
    let lead = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
    let document = if text.trim_start().starts_with('{') {
        serde_json::to_string_pretty(object).map_err(|e| e.to_string())? + "\n"
    } else {
        format!("---\n{}", yaml::to_yaml(object))
    };
    let edit = Edit { start: text.len(), end: text.len(), text: format!("{lead}{document}") };
    // The new document must read back as the object, and the others stay as they were.
    let after = format!("{text}{}", edit.text);
    let (before, now) = (documents(text), documents(&after));
    if now.len() != before.len() + 1 || now[..before.len()] != before[..] || now.last() != Some(&Some(object.clone())) {
        return Err("the appended document does not read back as the object".into());
    }
    Ok(edit)
}

/// The non-empty documents of a text, as JSON (`None` for one that does not parse).
fn documents(text: &str) -> Vec<Option<Value>> {
    yaml::document_ranges(text)
        .into_iter()
        .filter_map(|(start, end)| match yaml::parse_range(text, start, end) {
            Ok(Some(root)) => Some(Some(root.to_json())),
            Ok(None) => None,
            Err(_) => Some(None),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn append(text: &str) -> String {
        let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web"}});
        let edit = append_document(text, &namespace).expect("an edit");
        assert_eq!((edit.start, edit.end), (text.len(), text.len()));
        format!("{text}{}", edit.text)
    }

    #[test]
    fn yaml_streams_get_a_new_document() {
        let out = append("a: 1\n");
        assert_eq!(out, "a: 1\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n");
        assert_eq!(append("a: 1"), "a: 1\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n");
        assert_eq!(append("a: 1\n---\n"), "a: 1\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n");
        assert_eq!(append(""), "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n");
        // A literal block at the end of the last document ends at the new separator.
        let out = append("a: |\n  text\n");
        assert!(out.starts_with("a: |\n  text\n---\n"));
    }

    #[test]
    fn json_streams_get_a_new_value() {
        let out = append("{\"a\": 1}");
        assert!(out.starts_with("{\"a\": 1}\n{\n  \"apiVersion\": \"v1\""));
        let values: Vec<Value> =
            serde_json::Deserializer::from_str(&out).into_iter().collect::<Result<_, _>>().expect("JSON values");
        assert_eq!(values.len(), 2);
    }

    #[test]
    fn a_text_the_document_would_not_survive_gets_no_edit() {
        // An unterminated JSON value swallows what follows: the new value is not read.
        let namespace = json!({"kind": "Namespace"});
        assert!(append_document("{\"a\": [1, 2\n", &namespace).is_err());
    }
}
