//! A small map from text keys, kept sorted: a workload's parameters and a
//! run's metrics (a handful of entries each).
//!
//! In place of `BTreeMap<String, _>`: its node code was 19 KB of the
//! page's wasm for these two maps alone, and a sorted `Vec` with a binary
//! search does the same for a dozen entries. It iterates in key order, as
//! the `BTreeMap` did, so JSON and share links are written the same.

use std::borrow::Borrow;

use super::json::{FromJson, Json, ToJson, Writer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Map<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for Map<V> {
    fn default() -> Self {
        Map { entries: Vec::new() }
    }
}

impl<V> Map<V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get<Q: Borrow<str> + ?Sized>(&self, key: &Q) -> Option<&V> {
        self.find(key.borrow()).ok().map(|i| &self.entries[i].1)
    }

    pub fn contains_key<Q: Borrow<str> + ?Sized>(&self, key: &Q) -> bool {
        self.find(key.borrow()).is_ok()
    }

    /// Sets `key`; returns the value it had.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Borrow<str> + ?Sized>(&mut self, key: &Q) -> Option<V> {
        self.find(key.borrow()).ok().map(|i| self.entries.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// In key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<V> FromIterator<(String, V)> for Map<V> {
    /// A later entry for the same key wins, as in `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<V, const N: usize> From<[(String, V); N]> for Map<V> {
    fn from(entries: [(String, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<V> std::ops::Index<&str> for Map<V> {
    type Output = V;

    /// # Panics
    /// `key` is not in the map (as `BTreeMap`'s index).
    fn index(&self, key: &str) -> &V {
        self.get(key).expect("no such key in the map")
    }
}

impl<'a, V> IntoIterator for &'a Map<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> (&'a String, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<V: ToJson> ToJson for Map<V> {
    fn write_json(&self, w: &mut Writer) {
        let mut o = w.object();
        for (k, v) in &self.entries {
            o = o.field(k, v);
        }
        o.end();
    }
}

impl<V: FromJson> FromJson for Map<V> {
    fn from_json(value: Json<'_>) -> Result<Map<V>, String> {
        match value {
            Json::Obj(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    let v = V::from_json(v).map_err(|e| format!("{k}: {e}"))?;
                    map.insert(k.into_owned(), v);
                }
                Ok(map)
            }
            other => Err(other.unexpected("an object")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever is inserted and removed, it holds what a BTreeMap holds,
        /// in the same order.
        #[test]
        fn behaves_as_a_btree_map(ops in proptest::collection::vec(("[a-d]{0,2}", any::<Option<u32>>()), 0..40)) {
            let (mut ours, mut theirs) = (Map::new(), BTreeMap::new());
            for (key, op) in ops {
                match op {
                    Some(v) => prop_assert_eq!(ours.insert(key.clone(), v), theirs.insert(key, v)),
                    None => prop_assert_eq!(ours.remove(&key), theirs.remove(&key)),
                }
                prop_assert_eq!(ours.len(), theirs.len());
            }
            prop_assert!(ours.iter().eq(theirs.iter()));
            for key in ["", "a", "ab", "dd"] {
                prop_assert_eq!(ours.get(key), theirs.get(key));
            }
            let json = crate::core::json::to_string(&ours);
            prop_assert_eq!(serde_json::from_str::<BTreeMap<String, u32>>(&json).unwrap(), theirs);
            prop_assert_eq!(crate::core::json::from_str::<Map<u32>>(&json).unwrap(), ours);
        }
    }
}
