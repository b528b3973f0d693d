//! Small helpers for editing objects as JSON values with JSON pointers (`/spec/containers/0`).

use serde_json::{Map, Value};

/// Escapes one key for use in a JSON pointer (`a/b` → `a~1b`).
pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

pub fn remove(object: &mut Value, key: &str) -> Option<Value> {
    object.as_object_mut().and_then(|m| m.remove(key))
}

pub trait ValueExt {
    /// Sets the value at `pointer`, creating objects on the way (arrays must exist).
    fn set_at(&mut self, pointer: &str, value: Value);
    /// Sets the value at `pointer` unless a non-null value is there.
    fn default_at(&mut self, pointer: &str, value: Value);
    fn str_at(&self, pointer: &str) -> Option<&str>;
    fn bool_at(&self, pointer: &str) -> Option<bool>;
    fn i64_at(&self, pointer: &str) -> Option<i64>;
    /// The array at `pointer` (empty when absent).
    fn array_at(&self, pointer: &str) -> &[Value];
    /// The object at `pointer`, created if absent.
    fn object_at(&mut self, pointer: &str) -> &mut Map<String, Value>;
    /// The array at `pointer`, created if absent.
    fn array_mut_at(&mut self, pointer: &str) -> &mut Vec<Value>;
    /// Removes the value at `pointer`; returns it.
    fn remove_at(&mut self, pointer: &str) -> Option<Value>;
}

impl ValueExt for Value {
    fn set_at(&mut self, pointer: &str, value: Value) {
        let mut current = self;
        let segments: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
        let Some((last, parents)) = segments.split_last() else {
            *current = value;
            return;
        };
        for segment in parents {
            current = match current {
                Value::Array(items) => match segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(item) => item,
                    None => return,
                },
                other => {
                    if !other.is_object() {
                        *other = Value::Object(Map::new());
                    }
                    other
                        .as_object_mut()
                        .expect("object")
                        .entry(segment.clone())
                        .or_insert_with(|| Value::Object(Map::new()))
                }
            };
        }
        match current {
            Value::Array(items) => match last.parse::<usize>() {
                Ok(i) if i < items.len() => items[i] = value,
                // One past the end appends (fix edits add list items this way).
                Ok(i) if i == items.len() => items.push(value),
                _ => {}
            },
            other => {
                if !other.is_object() {
                    *other = Value::Object(Map::new());
                }
                other.as_object_mut().expect("object").insert(last.clone(), value);
            }
        }
    }

    fn default_at(&mut self, pointer: &str, value: Value) {
        if self.pointer(pointer).is_none_or(Value::is_null) {
            self.set_at(pointer, value);
        }
    }

    fn str_at(&self, pointer: &str) -> Option<&str> {
        self.pointer(pointer).and_then(Value::as_str)
    }

    fn bool_at(&self, pointer: &str) -> Option<bool> {
        self.pointer(pointer).and_then(Value::as_bool)
    }

    fn i64_at(&self, pointer: &str) -> Option<i64> {
        self.pointer(pointer).and_then(Value::as_i64)
    }

    fn array_at(&self, pointer: &str) -> &[Value] {
        self.pointer(pointer).and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    fn object_at(&mut self, pointer: &str) -> &mut Map<String, Value> {
        if !self.pointer(pointer).is_some_and(Value::is_object) {
            self.set_at(pointer, Value::Object(Map::new()));
        }
        self.pointer_mut(pointer).and_then(Value::as_object_mut).expect("just created")
    }

    fn array_mut_at(&mut self, pointer: &str) -> &mut Vec<Value> {
        if !self.pointer(pointer).is_some_and(Value::is_array) {
            self.set_at(pointer, Value::Array(Vec::new()));
        }
        self.pointer_mut(pointer).and_then(Value::as_array_mut).expect("just created")
    }

    fn remove_at(&mut self, pointer: &str) -> Option<Value> {
        let (parent, last) = pointer.rsplit_once('/')?;
        let last = unescape(last);
        match self.pointer_mut(parent)? {
            Value::Object(map) => map.remove(&last),
            Value::Array(items) => {
                let index = last.parse::<usize>().ok().filter(|&i| i < items.len())?;
                Some(items.remove(index))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_create_and_default() {
        let mut v = json!({"spec": {"containers": [{"name": "a"}]}});
        v.default_at("/spec/containers/0/image", json!("nginx"));
        v.default_at("/spec/containers/0/name", json!("b"));
        v.set_at("/metadata/labels/app.kubernetes.io~1name", json!("x"));
        assert_eq!(
            v,
            json!({"spec": {"containers": [{"name": "a", "image": "nginx"}]}, "metadata": {"labels": {"app.kubernetes.io/name": "x"}}})
        );
        assert_eq!(v.remove_at("/spec/containers/0/image"), Some(json!("nginx")));
    }
}
