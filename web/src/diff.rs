//! Line diff between the virtual object's YAML and the host object's YAML: what the syncer
//! changed. Longest common subsequence after trimming the common ends; objects are a few
//! hundred lines, and beyond `MAX_CELLS` the middle is shown as replaced.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    Removed,
    Added,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine<'a> {
    pub change: Change,
    pub text: &'a str,
}

const MAX_CELLS: usize = 4_000_000;

pub fn diff_lines<'a>(before: &'a str, after: &'a str) -> Vec<DiffLine<'a>> {
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..].iter().rev().zip(new[prefix..].iter().rev()).take_while(|(a, b)| a == b).count();
    let (old_mid, new_mid) = (&old[prefix..old.len() - suffix], &new[prefix..new.len() - suffix]);

    let mut out: Vec<DiffLine> = old[..prefix].iter().map(|t| line(Change::Same, t)).collect();
    if old_mid.len().saturating_mul(new_mid.len()) > MAX_CELLS {
        out.extend(old_mid.iter().map(|t| line(Change::Removed, t)));
        out.extend(new_mid.iter().map(|t| line(Change::Added, t)));
    } else {
        lcs_diff(old_mid, new_mid, &mut out);
    }
    out.extend(old[old.len() - suffix..].iter().map(|t| line(Change::Same, t)));
    out
}

fn line(change: Change, text: &str) -> DiffLine<'_> {
    DiffLine { change, text }
}

fn lcs_diff<'a>(old: &[&'a str], new: &[&'a str], out: &mut Vec<DiffLine<'a>>) {
    let (n, m) = (old.len(), new.len());
    // lengths[i][j] = LCS of old[i..] and new[j..]
    let width = m + 1;
    let mut lengths = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[i * width + j] = if old[i] == new[j] {
                lengths[(i + 1) * width + j + 1] + 1
            } else {
                lengths[(i + 1) * width + j].max(lengths[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            out.push(line(Change::Same, old[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
            // Removals before additions, as `diff -u` shows a replaced block.
            out.push(line(Change::Removed, old[i]));
            i += 1;
        } else {
            out.push(line(Change::Added, new[j]));
            j += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(before: &str, after: &str) -> String {
        diff_lines(before, after)
            .iter()
            .map(|l| {
                let mark = match l.change {
                    Change::Same => ' ',
                    Change::Removed => '-',
                    Change::Added => '+',
                };
                format!("{mark}{}\n", l.text)
            })
            .collect()
    }

    #[test]
    fn shows_renames_and_additions() {
        let before = "metadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 1\n";
        let after = "metadata:\n  name: web-x-shop-x-my-vcluster\n  namespace: vcluster-my-vcluster\nspec:\n  nodeName: n\n  replicas: 1\n";
        assert_eq!(
            render(before, after),
            " metadata:\n-  name: web\n-  namespace: shop\n+  name: web-x-shop-x-my-vcluster\n+  namespace: vcluster-my-vcluster\n spec:\n+  nodeName: n\n   replicas: 1\n"
        );
    }

    #[test]
    fn identical_and_empty() {
        assert_eq!(render("a\nb\n", "a\nb\n"), " a\n b\n");
        assert_eq!(render("", "x\n"), "+x\n");
        assert_eq!(render("x\n", ""), "-x\n");
    }
}
