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

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_near_names_only() {
        let names = ["重大决策数", "重大决策已审查数", "政策文件数"];
        assert_eq!(super::closest("重大决策熟", names), Some("重大决策数"));
        assert_eq!(super::closest("完全不同的名字", names), None);
    }
}
