//! Benchmark evidence for the national schema: N subjects, M events each,
//! a realistic spread of values (band boundaries, zero denominators, about
//! 2% empty cells) from a fixed-seed generator, written as CSV.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// A small deterministic generator (xorshift64*), so runs are repeatable.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// Write 主体.csv and 失信事件.csv for `subjects` subjects into `dir`.
pub fn write(
    dir: &Path,
    subjects: usize,
    events_per_subject: usize,
    seed: u64,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng::new(seed);
    let header = "编码,名称,所属地区,重大决策数,重大决策已审查数,规范性文件未按期备案数,规范性文件被撤销纠正数,执法公示制度,全过程记录制度,法制审核制度,行政复议结案数,行政复议纠错数,行政诉讼结案数,行政诉讼败诉数,应出庭案件数,负责人出庭数,主动公开达标率,政策文件数,同步解读数,依申请公开件数,按期答复件数,信息公开被纠错数,开放数据集数,网上可办率,承诺时限压缩率,热线工单数,按时办结数,群众满意度,企业满意度,招商承诺事项数,已兑现事项数,报告承诺完成率,信用承诺制,信用修复申请数,修复按期办结数,培训覆盖率,失信负面舆情数,省级创新案例数,国家级创新案例数,重大政务失信事件";
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("主体.csv"))?);
    writeln!(out, "{header}")?;
    let mut line = String::new();
    for s in 0..subjects {
        line.clear();
        let _ = write!(line, "{},县{},省{}", 100000 + s, s, s % 31);
        let pair = |rng: &mut Rng, line: &mut String| {
            let den = rng.below(200);
            let num = if den == 0 {
                0
            } else {
                den - rng.below(den / 5 + 1)
            };
            let _ = write!(line, ",{den},{num}");
        };
        let pct = |rng: &mut Rng| format!("{}.{}", 60 + rng.below(40), rng.below(10));
        let yn = |rng: &mut Rng| if rng.below(10) < 8 { "是" } else { "否" };
        let empty = |rng: &mut Rng| rng.below(50) == 0;
        pair(&mut rng, &mut line);
        let _ = write!(line, ",{},{}", rng.below(4), rng.below(3));
        let _ = write!(line, ",{},{},{}", yn(&mut rng), yn(&mut rng), yn(&mut rng));
        for _ in 0..3 {
            pair(&mut rng, &mut line);
        }
        let p = pct(&mut rng);
        let _ = write!(line, ",{}", if empty(&mut rng) { String::new() } else { p });
        pair(&mut rng, &mut line);
        pair(&mut rng, &mut line);
        let _ = write!(
            line,
            ",{},{},{},{}",
            rng.below(4),
            rng.below(300),
            pct(&mut rng),
            pct(&mut rng)
        );
        pair(&mut rng, &mut line);
        let _ = write!(line, ",{},{}", pct(&mut rng), pct(&mut rng));
        pair(&mut rng, &mut line);
        let _ = write!(line, ",{},{}", pct(&mut rng), yn(&mut rng));
        pair(&mut rng, &mut line);
        let _ = write!(
            line,
            ",{},{},{},{}",
            pct(&mut rng),
            rng.below(5),
            rng.below(3),
            rng.below(2)
        );
        let _ = write!(line, ",{}", if rng.below(100) == 0 { "是" } else { "否" });
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("失信事件.csv"))?);
    writeln!(out, "编码,事件编号,类型,金额,已整改,日期")?;
    let kinds = ["拖欠账款", "失信被执行", "合同违约"];
    let mut id = 0u64;
    for s in 0..subjects {
        for _ in 0..events_per_subject {
            id += 1;
            let kind = kinds[rng.below(3) as usize];
            let fixed = if rng.below(2) == 0 { "是" } else { "否" };
            let year = 2024 + rng.below(3);
            let _ = writeln!(
                out,
                "{},E{id},{kind},{}.{:02},{fixed},{year}-{:02}-{:02}",
                100000 + s,
                rng.below(2_000_000),
                rng.below(100),
                1 + rng.below(12),
                1 + rng.below(28)
            );
        }
    }
    out.flush()
}
