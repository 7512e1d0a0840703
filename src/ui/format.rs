//! Number formatting for the page.

/// `37550402023` → `37,550,402,023`; non-digits are kept as they are, so
/// a comma-separated list of sums becomes a list of grouped sums.
pub fn group_digits(text: &str) -> String {
    text.split(',').map(group_one).collect::<Vec<_>>().join(" · ")
}

fn group_one(n: &str) -> String {
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return n.to_string();
    }
    let mut out = String::with_capacity(n.len() + n.len() / 3);
    for (i, c) in n.chars().enumerate() {
        if i > 0 && (n.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Milliseconds with a sensible number of digits.
pub fn ms(value: f64) -> String {
    if value >= 1000.0 {
        format!("{:.2} s", value / 1000.0)
    } else if value >= 10.0 {
        format!("{value:.0} ms")
    } else {
        format!("{value:.1} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups() {
        assert_eq!(group_digits("37550402023"), "37,550,402,023");
        assert_eq!(group_digits("17,1060"), "17 · 1,060");
        assert_eq!(group_digits("abc"), "abc");
        assert_eq!(ms(1234.0), "1.23 s");
        assert_eq!(ms(56.4), "56 ms");
        assert_eq!(ms(0.25), "0.2 ms");
    }
}
