//! "Did you mean" suggestions for unknown names.

/// The closest candidate within a small edit distance, if any.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Every candidate at the smallest edit distance (within the same small
/// limit), in the order given, at most five: two or three codes or names
/// are often equally close (`2.4` is as near to 2.1 as to 2.3).
pub fn all_closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    let scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    let Some(best) = scored.iter().map(|(d, _)| *d).min() else {
        return Vec::new();
    };
    let mut out: Vec<&str> = Vec::new();
    for (_, c) in scored.into_iter().filter(|(d, _)| *d == best) {
        if !out.contains(&c) && out.len() < 5 {
            out.push(c);
        }
    }
    out
}

/// The one closest candidate, when no other is as close: a rewrite
/// certain enough to offer as an applicable fix.
pub fn only<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    match all_closest(name, candidates).as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// “是否想写“A”？” or “是否想写“A”、“B”或“C”？”; `None` when nothing is near.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let found = all_closest(name, candidates);
    let quoted: Vec<String> = found.iter().map(|c| format!("“{c}”")).collect();
    match quoted.as_slice() {
        [] => None,
        [one] => Some(format!("是否想写{one}？")),
        [init @ .., last] => Some(format!("是否想写{}或{last}？", init.join("、"))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_near_names_only() {
        let names = ["重大决策数", "重大决策已审查数", "政策文件数"];
        assert_eq!(super::closest("重大决策熟", names), Some("重大决策数"));
        assert_eq!(super::closest("完全不同的名字", names), None);
    }

    #[test]
    fn equally_close_candidates_are_all_named() {
        let codes = ["2.1", "2.2", "2.3", "3.1"];
        assert_eq!(super::all_closest("2.4", codes), vec!["2.1", "2.2", "2.3"]);
        assert_eq!(
            super::did_you_mean("2.4", codes).as_deref(),
            Some("是否想写“2.1”、“2.2”或“2.3”？")
        );
        assert_eq!(
            super::did_you_mean("最大", ["最高", "最低", "合计"]).as_deref(),
            Some("是否想写“最高”或“最低”？")
        );
        assert_eq!(super::did_you_mean("完全不同的名字", codes), None);
        assert_eq!(super::only("2.4", codes), None);
        assert_eq!(super::only("3.7", codes), Some("3.1"));
    }
}
