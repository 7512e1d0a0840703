//! Limits on what a document read from outside may hold, enforced while
//! it is parsed, before anything is allocated for what lies past them: a
//! share link is a stranger's input. Used through
//! `#[serde(deserialize_with = …)]` on the run's types.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};

/// Task records in one run, at most (the page makes at most 100,000).
pub const MAX_TASKS: usize = 200_000;
/// Statistics rows in one document: 64 worker counts × 8 modes.
pub const MAX_STATS: usize = 512;
/// Measured repeats of one mode at one worker count (the page makes ≤ 20).
pub const MAX_REPEATS: usize = 20;
/// Characters in a label, an answer, an error or a note.
pub const MAX_TEXT: usize = 4_096;
/// Characters in a short name (a workload id, a version, a key).
pub const MAX_NAME: usize = 64;
/// Parameters of a workload.
pub const MAX_PARAMS: usize = 32;

/// A list of at most `N` items; the `N + 1`th is an error, not an
/// allocation.
///
/// # Errors
/// Not a list, an item that is not a `T`, or more than `N` items.
pub fn at_most<'de, D, T, const N: usize>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct List<T, const N: usize>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for List<T, N> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list of at most {N} items")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(N).min(1_024));
            while let Some(item) = seq.next_element()? {
                if out.len() == N {
                    return Err(A::Error::custom(format_args!("a list of more than {N} items")));
                }
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(List::<T, N>(PhantomData))
}

/// A string of at most `N` characters, checked before it is copied.
///
/// # Errors
/// Not a string, or a longer one.
pub fn text<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<String, D::Error> {
    d.deserialize_str(Text::<N>)
}

/// [`text`] for an optional string.
///
/// # Errors
/// As [`text`].
pub fn optional_text<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<Option<String>, D::Error> {
    struct Maybe<const N: usize>;
    impl<'de, const N: usize> Visitor<'de> for Maybe<N> {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "null or a string of at most {N} characters")
        }
        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            text::<D, N>(d).map(Some)
        }
    }
    d.deserialize_option(Maybe::<N>)
}

struct Text<const N: usize>;

impl<'de, const N: usize> Visitor<'de> for Text<N> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string of at most {N} characters")
    }
    fn visit_str<E: Error>(self, v: &str) -> Result<String, E> {
        // Bytes bound characters from above: count only when it matters.
        if v.len() > N && v.chars().count() > N {
            return Err(E::custom(format_args!("a string of more than {N} characters")));
        }
        Ok(v.to_owned())
    }
}

/// A workload's parameters: at most [`MAX_PARAMS`], keys of at most
/// [`MAX_NAME`] characters, values of at most [`MAX_TEXT`].
///
/// # Errors
/// Not an object of strings, or past a limit.
pub fn params<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    struct Params;
    impl<'de> Visitor<'de> for Params {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an object of at most {MAX_PARAMS} text parameters")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key_seed(Seed::<MAX_NAME>)? {
                if out.len() == MAX_PARAMS {
                    return Err(A::Error::custom(format_args!("more than {MAX_PARAMS} parameters")));
                }
                out.insert(key, map.next_value_seed(Seed::<MAX_TEXT>)?);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Params)
}

/// [`text`] as a seed, for map keys and values.
struct Seed<const N: usize>;

impl<'de, const N: usize> serde::de::DeserializeSeed<'de> for Seed<N> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        text::<D, N>(d)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Doc {
        #[serde(deserialize_with = "at_most::<_, _, 3>")]
        list: Vec<u32>,
        #[serde(deserialize_with = "text::<_, 5>")]
        name: String,
        #[serde(default, deserialize_with = "optional_text::<_, 5>")]
        note: Option<String>,
        #[serde(default, deserialize_with = "params")]
        params: BTreeMap<String, String>,
    }

    fn read(json: &str) -> Result<Doc, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn within_the_limits_everything_reads() {
        let doc = read(r#"{"list":[1,2,3],"name":"héllo","note":null,"params":{"a":"1"}}"#).unwrap();
        assert_eq!((doc.list, doc.name.as_str(), doc.note, doc.params.len()), (vec![1, 2, 3], "héllo", None, 1));
        assert_eq!(read(r#"{"list":[],"name":"","note":"abc"}"#).unwrap().note.as_deref(), Some("abc"));
    }

    #[test]
    fn past_a_limit_is_an_error_that_says_which() {
        assert!(read(r#"{"list":[1,2,3,4],"name":""}"#).unwrap_err().contains("more than 3 items"));
        assert!(read(r#"{"list":[],"name":"toolong"}"#).unwrap_err().contains("more than 5 characters"));
        assert!(read(r#"{"list":[],"name":"","note":"toolong"}"#).unwrap_err().contains("more than 5 characters"));
        let many: Vec<String> = (0..=MAX_PARAMS).map(|i| format!("\"k{i}\":\"v\"")).collect();
        let json = format!(r#"{{"list":[],"name":"","params":{{{}}}}}"#, many.join(","));
        assert!(read(&json).unwrap_err().contains("more than 32 parameters"));
        let long_key = format!(r#"{{"list":[],"name":"","params":{{"{}":"v"}}}}"#, "k".repeat(MAX_NAME + 1));
        assert!(read(&long_key).unwrap_err().contains("more than 64 characters"));
    }
}
