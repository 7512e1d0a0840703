//! JSON for the worker protocol, the result document and share links: a
//! writer, a reader into a small tree, and one trait each way.
//!
//! Hand-written rather than serde: the page ships every line of its
//! (de)serialisers in the wasm, and serde's derives, serde_json and its
//! float code were about a sixth of it. The format is the one serde wrote
//! before (field names, externally tagged enums, `null` for `None`), so
//! share links made by earlier pages still open. The host tests check the
//! output against serde_json.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Arrays and objects nest at most this deep (as serde_json's default):
/// a link of a million `[` is an error, not a stack overflow.
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value. A whole number that fits a `u64` is kept as one,
/// so it reads exactly; other numbers are `f64`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Json<'a> {
    #[default]
    Null,
    Bool(bool),
    Int(u64),
    Float(f64),
    Str(String),
    Arr(Vec<Json<'a>>),
    /// Keys borrow from the text when they hold no escapes.
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// # Errors
    /// Not one JSON value (with only whitespace around it), in words with
    /// the byte offset.
    pub fn parse(text: &'a str) -> Result<Json<'a>, String> {
        let mut p = Parser { text, s: text.as_bytes(), at: 0, depth: 0 };
        let value = p.value()?;
        p.space();
        if p.at < p.s.len() {
            return Err(p.error("trailing characters"));
        }
        Ok(value)
    }

    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Int(_) | Json::Float(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }

    /// "expected …, found …".
    pub fn unexpected(&self, wanted: &str) -> String {
        format!("expected {wanted}, found {}", self.kind())
    }

    /// The object's fields, to take typed values from.
    ///
    /// # Errors
    /// It is not an object.
    pub fn fields(self) -> Result<Fields<'a>, String> {
        match self {
            Json::Obj(entries) => Ok(Fields { entries, error: None }),
            other => Err(other.unexpected("an object")),
        }
    }

    /// An externally tagged enum value: `"Name"` or `{"Name": value}`.
    ///
    /// # Errors
    /// Anything else.
    pub fn variant(self) -> Result<(String, Json<'a>), String> {
        match self {
            Json::Str(name) => Ok((name, Json::Null)),
            Json::Obj(mut entries) if entries.len() == 1 => {
                let (name, value) = entries.pop().expect("one entry");
                Ok((name.into_owned(), value))
            }
            other => Err(other.unexpected("a variant name or an object with one key")),
        }
    }
}

/// An object's entries, taken out by name. A field of the wrong type
/// reads as its default and the first such error is kept: [`Fields::done`]
/// returns it. (One error exit per type instead of one per field keeps the
/// readers small.)
#[derive(Debug)]
pub struct Fields<'a> {
    entries: Vec<(Cow<'a, str>, Json<'a>)>,
    error: Option<String>,
}

impl<'a> Fields<'a> {
    fn take(&mut self, key: &str) -> Option<Json<'a>> {
        self.entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| std::mem::take(v))
    }

    fn fail(&mut self, key: &str, error: String) {
        if self.error.is_none() {
            self.error = Some(format!("{key}: {error}"));
        }
    }

    /// A field that must be there.
    pub fn req<T: FromJson + Default>(&mut self, key: &str) -> T {
        match self.take(key) {
            Some(value) => self.read(key, value, T::default),
            None => {
                if self.error.is_none() {
                    self.error = Some(format!("missing field `{key}`"));
                }
                T::default()
            }
        }
    }

    /// A field that may be missing (then `default`). An `Option` field
    /// reads with `or(key, None)`, as serde reads one.
    pub fn or<T: FromJson>(&mut self, key: &str, default: T) -> T {
        match self.take(key) {
            Some(value) => self.read(key, value, || default),
            None => default,
        }
    }

    fn read<T: FromJson>(&mut self, key: &str, value: Json<'_>, default: impl FnOnce() -> T) -> T {
        match T::from_json(value) {
            Ok(v) => v,
            Err(e) => {
                self.fail(key, e);
                default()
            }
        }
    }

    /// `value`, built from the fields, unless one of them was wrong.
    ///
    /// # Errors
    /// The first missing or mistyped field, by name.
    pub fn done<T>(self, value: T) -> Result<T, String> {
        match self.error {
            None => Ok(value),
            Some(e) => Err(e),
        }
    }
}

/// Reads a value from its JSON tree.
pub trait FromJson: Sized {
    /// # Errors
    /// The value is not one of `Self`, in words.
    fn from_json(value: Json<'_>) -> Result<Self, String>;
}

/// Writes a value as JSON.
pub trait ToJson {
    fn write_json(&self, w: &mut Writer);
}

/// `value` as compact JSON.
pub fn to_string(value: &(impl ToJson + ?Sized)) -> String {
    let mut w = Writer::new(false);
    value.write_json(&mut w);
    w.out
}

/// `value` as JSON indented by two spaces, a field per line.
pub fn to_string_pretty(value: &(impl ToJson + ?Sized)) -> String {
    let mut w = Writer::new(true);
    value.write_json(&mut w);
    w.out
}

/// # Errors
/// Not JSON, or not a `T`.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, String> {
    T::from_json(Json::parse(text)?)
}

/// Where JSON is written; objects and arrays open with [`Writer::object`]
/// and [`Writer::array`].
pub struct Writer {
    out: String,
    pretty: bool,
    depth: usize,
}

impl Writer {
    fn new(pretty: bool) -> Writer {
        Writer { out: String::new(), pretty, depth: 0 }
    }

    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
    }

    /// Before an element: a comma after the previous one, and in pretty
    /// output a new line.
    fn item(&mut self, first: bool) {
        if !first {
            self.out.push(',');
        }
        self.newline();
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    fn close(&mut self, bracket: char, empty: bool) {
        self.depth -= 1;
        if !empty {
            self.newline();
        }
        self.out.push(bracket);
    }

    pub fn object(&mut self) -> Object<'_> {
        self.open('{');
        Object { w: self, empty: true, tagged: false }
    }

    pub fn array(&mut self) -> Array<'_> {
        self.open('[');
        Array { w: self, empty: true }
    }

    pub fn null(&mut self) {
        self.out.push_str("null");
    }

    pub fn string(&mut self, s: &str) {
        self.out.push('"');
        let mut rest = s;
        while let Some(at) = rest.find(|c: char| c < ' ' || c == '"' || c == '\\') {
            self.out.push_str(&rest[..at]);
            let c = rest[at..].chars().next().expect("found there");
            rest = &rest[at + 1..];
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\u{8}' => self.out.push_str("\\b"),
                '\u{c}' => self.out.push_str("\\f"),
                c => {
                    let _ = write!(self.out, "\\u{:04x}", c as u32);
                }
            }
        }
        self.out.push_str(rest);
        self.out.push('"');
    }

    fn raw(&mut self, text: std::fmt::Arguments<'_>) {
        let _ = self.out.write_fmt(text);
    }

    /// A one-key object `{"name": value}`: an enum's variant with data.
    pub fn variant(&mut self, name: &str, value: &dyn ToJson) {
        self.object().field(name, value).end();
    }

    /// `{"name": {fields}}`, an enum's variant with named fields: add the
    /// fields, and [`Object::end`] closes both.
    pub fn tagged(&mut self, name: &str) -> Object<'_> {
        self.open('{');
        self.key(true, name);
        self.open('{');
        Object { w: self, empty: true, tagged: true }
    }

    /// An object's key and colon; `first`: no comma before it.
    fn key(&mut self, first: bool, key: &str) {
        self.item(first);
        self.string(key);
        self.out.push(':');
        if self.pretty {
            self.out.push(' ');
        }
    }
}

/// An object being written; [`Object::end`] closes it.
pub struct Object<'w> {
    w: &'w mut Writer,
    empty: bool,
    /// Inside [`Writer::tagged`]'s outer object.
    tagged: bool,
}

impl Object<'_> {
    pub fn field(mut self, key: &str, value: &dyn ToJson) -> Self {
        self.w.key(self.empty, key);
        self.empty = false;
        value.write_json(self.w);
        self
    }

    /// `field` unless `value` is `None` (then the key is left out).
    pub fn some<T: ToJson>(self, key: &str, value: &Option<T>) -> Self {
        match value {
            Some(v) => self.field(key, v),
            None => self,
        }
    }

    pub fn end(self) {
        self.w.close('}', self.empty);
        if self.tagged {
            self.w.close('}', false);
        }
    }
}

/// An array being written; [`Array::end`] closes it.
pub struct Array<'w> {
    w: &'w mut Writer,
    empty: bool,
}

impl Array<'_> {
    pub fn item(&mut self, value: &dyn ToJson) {
        self.w.item(self.empty);
        self.empty = false;
        value.write_json(self.w);
    }

    pub fn end(self) {
        self.w.close(']', self.empty);
    }
}

// ---- values ----------------------------------------------------------

impl ToJson for bool {
    fn write_json(&self, w: &mut Writer) {
        w.out.push_str(if *self { "true" } else { "false" });
    }
}

impl FromJson for bool {
    fn from_json(value: Json<'_>) -> Result<bool, String> {
        match value {
            Json::Bool(b) => Ok(b),
            other => Err(other.unexpected("a boolean")),
        }
    }
}

/// Integers are written in full and read exactly (no trip through f64).
macro_rules! integers {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, w: &mut Writer) {
                w.raw(format_args!("{self}"));
            }
        }

        impl FromJson for $t {
            fn from_json(value: Json<'_>) -> Result<$t, String> {
                let found = match value {
                    Json::Int(n) => match <$t>::try_from(n) {
                        Ok(n) => return Ok(n),
                        Err(_) => n.to_string(),
                    },
                    Json::Float(x) => x.to_string(),
                    other => return Err(other.unexpected("a whole number")),
                };
                Err(format!("expected a whole number of 0 to {}, found {found}", <$t>::MAX))
            }
        }
    )*};
}
integers!(u32, u64, usize);

impl ToJson for f64 {
    /// The shortest text that reads back as the same number (`{:?}`:
    /// `1.0`, `0.125`, `1e300`); not-a-number and infinities have no JSON
    /// and are written as `null`, as serde_json writes them.
    fn write_json(&self, w: &mut Writer) {
        if self.is_finite() {
            w.raw(format_args!("{self:?}"));
        } else {
            w.null();
        }
    }
}

impl FromJson for f64 {
    /// `null` reads as not-a-number, so a document with one still opens
    /// (and its checks see the NaN).
    fn from_json(value: Json<'_>) -> Result<f64, String> {
        match value {
            Json::Int(n) => Ok(n as f64),
            Json::Float(x) => Ok(x),
            Json::Null => Ok(f64::NAN),
            other => Err(other.unexpected("a number")),
        }
    }
}

impl ToJson for str {
    fn write_json(&self, w: &mut Writer) {
        w.string(self);
    }
}

impl ToJson for String {
    fn write_json(&self, w: &mut Writer) {
        w.string(self);
    }
}

impl FromJson for String {
    fn from_json(value: Json<'_>) -> Result<String, String> {
        match value {
            Json::Str(s) => Ok(s),
            other => Err(other.unexpected("a string")),
        }
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, w: &mut Writer) {
        match self {
            Some(v) => v.write_json(w),
            None => w.null(),
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Json<'_>) -> Result<Option<T>, String> {
        match value {
            Json::Null => Ok(None),
            value => T::from_json(value).map(Some),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, w: &mut Writer) {
        let mut a = w.array();
        for v in self {
            a.item(v);
        }
        a.end();
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, w: &mut Writer) {
        self.as_slice().write_json(w);
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Json<'_>) -> Result<Vec<T>, String> {
        match value {
            Json::Arr(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, v) in items.into_iter().enumerate() {
                    out.push(T::from_json(v).map_err(|e| format!("[{i}]: {e}"))?);
                }
                Ok(out)
            }
            other => Err(other.unexpected("an array")),
        }
    }
}

// ---- the reader --------------------------------------------------------

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    at: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, what: &str) -> String {
        format!("{what} at byte {}", self.at)
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.s.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    /// Skips `b` (after whitespace) if it is next.
    fn eat(&mut self, b: u8) -> bool {
        self.space();
        let next = self.peek() == Some(b);
        if next {
            self.at += 1;
        }
        next
    }

    fn word(&mut self, word: &str, value: Json<'a>) -> Result<Json<'a>, String> {
        if self.s[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn value(&mut self) -> Result<Json<'a>, String> {
        self.space();
        match self.peek() {
            None => Err(self.error("unexpected end")),
            Some(b'n') => self.word("null", Json::Null),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'"') => self.string().map(|s| Json::Str(s.into_owned())),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => self.nested(|p| {
                let mut items = Vec::new();
                if !p.eat(b']') {
                    loop {
                        items.push(p.value()?);
                        if p.eat(b']') {
                            break;
                        }
                        if !p.eat(b',') {
                            return Err(p.error("expected `,` or `]`"));
                        }
                    }
                }
                Ok(Json::Arr(items))
            }),
            Some(b'{') => self.nested(|p| {
                let mut entries = Vec::new();
                if !p.eat(b'}') {
                    loop {
                        p.space();
                        if p.peek() != Some(b'"') {
                            return Err(p.error("expected a key in quotes"));
                        }
                        let key = p.string()?;
                        if !p.eat(b':') {
                            return Err(p.error("expected `:`"));
                        }
                        entries.push((key, p.value()?));
                        if p.eat(b'}') {
                            break;
                        }
                        if !p.eat(b',') {
                            return Err(p.error("expected `,` or `}`"));
                        }
                    }
                }
                Ok(Json::Obj(entries))
            }),
            Some(_) => Err(self.error("expected a value")),
        }
    }

    /// An array or object: past its opening bracket, one level deeper.
    fn nested(&mut self, inside: impl FnOnce(&mut Self) -> Result<Json<'a>, String>) -> Result<Json<'a>, String> {
        if self.depth == MAX_DEPTH {
            return Err(self.error(&format!("nested more than {MAX_DEPTH} deep")));
        }
        self.depth += 1;
        self.at += 1;
        let value = inside(self);
        self.depth -= 1;
        value
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    /// JSON's number grammar.
    fn number(&mut self) -> Result<Json<'a>, String> {
        let start = self.at;
        let negative = self.eat_if(b'-');
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("expected a digit")),
        }
        let whole = self.at;
        if self.eat_if(b'.') && self.digits() == 0 {
            return Err(self.error("expected a digit after `.`"));
        }
        if self.eat_if(b'e') || self.eat_if(b'E') {
            let _ = self.eat_if(b'+') || self.eat_if(b'-');
            if self.digits() == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.at]).expect("ASCII");
        if !negative && whole == self.at {
            if let Ok(n) = text.parse() {
                return Ok(Json::Int(n));
            }
        }
        // Rust's float syntax includes JSON's, and rounds correctly.
        text.parse().map(Json::Float).map_err(|_| self.error("unreadable number"))
    }

    /// Skips `b` if it is next (no whitespace).
    fn eat_if(&mut self, b: u8) -> bool {
        let next = self.peek() == Some(b);
        if next {
            self.at += 1;
        }
        next
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let hex = self.s.get(self.at..self.at + 4).and_then(|h| std::str::from_utf8(h).ok());
        let code = hex
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.error("expected 4 hex digits after `\\u`"))?;
        self.at += 4;
        Ok(code)
    }

    /// A string, from its opening quote: borrowed from the text unless it
    /// holds escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, String> {
        self.at += 1;
        let first = self.at;
        let mut out = String::new();
        loop {
            // Copy the run of plain characters up to the next quote,
            // backslash or control character in one go.
            let start = self.at;
            while let Some(&b) = self.s.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // The input is a &str and the run stops at ASCII: whole characters.
            let run = &self.text[start..self.at];
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') if start == first => {
                    self.at += 1;
                    return Ok(Cow::Borrowed(run));
                }
                Some(b'"') => {
                    self.at += 1;
                    out.push_str(run);
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    out.push_str(run);
                    self.at += 1;
                    let escape = self.peek().ok_or_else(|| self.error("unterminated string"))?;
                    self.at += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.error("unknown escape")),
                    };
                    out.push(c);
                }
                Some(_) => return Err(self.error("control character in a string")),
            }
        }
    }

    /// After `\u`: one code point, from a surrogate pair if it takes two.
    fn unicode_escape(&mut self) -> Result<char, String> {
        let high = self.hex4()?;
        let code = match high {
            0xD800..=0xDBFF => {
                if !(self.eat_if(b'\\') && self.eat_if(b'u')) {
                    return Err(self.error("lone leading surrogate"));
                }
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.error("invalid trailing surrogate"));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("lone trailing surrogate")),
            code => code,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid code point"))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn reads_every_kind_of_value() {
        let v = Json::parse(r#" {"a": [1, -2.5e3, true, false, null], "b": "x\"\\\/\n\u00e9\ud83d\ude00", "c": {}} "#)
            .unwrap();
        let mut f = v.fields().unwrap();
        let a: Vec<Json> = match f.req::<Json>("a") {
            Json::Arr(a) => a,
            other => panic!("{other:?}"),
        };
        assert_eq!(a, [Json::Int(1), Json::Float(-2.5e3), Json::Bool(true), Json::Bool(false), Json::Null]);
        assert_eq!(f.req::<String>("b"), "x\"\\/\né😀");
        assert_eq!(f.req::<Json>("c"), Json::Obj(vec![]));
        assert_eq!(f.done(()), Ok(()));
        // The first wrong field is the error; later ones read as defaults.
        let mut f = Json::parse(r#"{"a": "1", "b": 2}"#).unwrap().fields().unwrap();
        assert_eq!((f.req::<u32>("a"), f.req::<u32>("b"), f.req::<u32>("c")), (0, 2, 0));
        assert_eq!(f.done(()).unwrap_err(), "a: expected a whole number, found a string");
        let mut f = Json::parse("{}").unwrap().fields().unwrap();
        assert_eq!(f.or("x", 7u32), 7);
        let _: u32 = f.req("d");
        assert_eq!(f.done(()).unwrap_err(), "missing field `d`");
    }

    /// A tree of owned values (keys that borrowed from the text copied).
    fn owned(value: Json<'_>) -> Json<'static> {
        match value {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(b),
            Json::Int(n) => Json::Int(n),
            Json::Float(x) => Json::Float(x),
            Json::Str(s) => Json::Str(s),
            Json::Arr(a) => Json::Arr(a.into_iter().map(owned).collect()),
            Json::Obj(o) => Json::Obj(o.into_iter().map(|(k, v)| (Cow::Owned(k.into_owned()), owned(v))).collect()),
        }
    }

    impl FromJson for Json<'static> {
        fn from_json(value: Json<'_>) -> Result<Json<'static>, String> {
            Ok(owned(value))
        }
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            "",
            " ",
            "{",
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{a:1}",
            "01",
            "1.",
            "1e",
            "-",
            ".5",
            "+1",
            "nul",
            "tru",
            "\"abc",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"a\u{1}b\"",
            "1 2",
            "[1]x",
            "NaN",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad:?} was read");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(Json::parse(&deep).unwrap_err().contains("nested more than 128"));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Json::parse(&ok).is_ok());
        // A million brackets: an error, not a stack overflow.
        assert!(Json::parse(&"[".repeat(1_000_000)).is_err());
    }

    #[test]
    fn numbers_read_exactly_and_wrong_types_say_so() {
        assert_eq!(from_str::<u64>("18446744073709551615").unwrap(), u64::MAX);
        assert!(from_str::<u64>("18446744073709551616").is_err());
        assert!(from_str::<u32>("-1").is_err());
        assert!(from_str::<u32>("1.5").is_err());
        assert_eq!(from_str::<f64>("-0.125e1").unwrap(), -1.25);
        assert!(from_str::<f64>("null").unwrap().is_nan());
        assert_eq!(from_str::<bool>("1").unwrap_err(), "expected a boolean, found a number");
        assert_eq!(from_str::<Vec<u32>>("[1,\"2\"]").unwrap_err(), "[1]: expected a whole number, found a string");
    }

    #[test]
    fn writes_compact_and_pretty_as_serde_json_does() {
        let map: crate::core::map::Map<Vec<f64>> =
            [("a".to_string(), vec![1.0, 0.1, -2.5, 1e300, 1e-7]), ("b".to_string(), vec![])].into();
        assert_eq!(to_string(&map), r#"{"a":[1.0,0.1,-2.5,1e300,1e-7],"b":[]}"#);
        let value: serde_json::Value = serde_json::from_str(&to_string(&map)).unwrap();
        // serde_json writes `1e+300`; both are JSON, and both read back.
        assert_eq!(to_string_pretty(&map), serde_json::to_string_pretty(&value).unwrap().replace("e+", "e"));
        assert_eq!(to_string(&vec![f64::NAN, f64::INFINITY]), "[null,null]");
        assert_eq!(to_string(&crate::core::map::Map::<u32>::new()), "{}");
        assert_eq!(to_string_pretty(&Vec::<u32>::new()), "[]");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_string_round_trips_and_serde_json_reads_it(s in any::<String>()) {
            let text = to_string(&s);
            prop_assert_eq!(serde_json::from_str::<String>(&text).unwrap(), s.clone());
            prop_assert_eq!(from_str::<String>(&text).unwrap(), s.clone());
            // …and what serde_json writes, this reads.
            prop_assert_eq!(from_str::<String>(&serde_json::to_string(&s).unwrap()).unwrap(), s);
        }

        #[test]
        fn any_float_round_trips_exactly(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
            let text = to_string(&x);
            prop_assert_eq!(from_str::<f64>(&text).unwrap().to_bits(), x.to_bits());
            prop_assert_eq!(serde_json::from_str::<f64>(&text).unwrap().to_bits(), x.to_bits());
        }

        #[test]
        fn any_text_is_read_or_refused_as_serde_json_does(text in "[\\[\\]{}\",:0-9a-z.eE+\\- \\\\]{0,40}") {
            let ours = Json::parse(&text).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(&text).is_ok();
            prop_assert_eq!(ours, theirs, "{:?}", text);
        }
    }
}
