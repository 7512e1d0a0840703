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

/// Round tick values from 0 to at least `max` (about `count` of them,
/// steps of 1, 2 or 5 × a power of ten), for chart axes.
pub fn ticks(max: f64, count: usize) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) || count == 0 {
        return vec![0.0];
    }
    let rough = max / count as f64;
    let power = 10f64.powi(rough.log10().floor() as i32);
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|&s| s >= rough).unwrap_or(10.0 * power);
    let n = (max / step).ceil() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(430.0, 5), vec![0.0, 100.0, 200.0, 300.0, 400.0, 500.0]);
        assert_eq!(ticks(4.0, 4), vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(ticks(0.9, 4), vec![0.0, 0.5, 1.0]);
        assert_eq!(ticks(0.0, 4), vec![0.0]);
        assert_eq!(ticks(f64::NAN, 4), vec![0.0]);
        let t = ticks(12_345.0, 6);
        assert!(t.len() <= 8 && *t.last().unwrap() >= 12_345.0, "{t:?}");
    }

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
