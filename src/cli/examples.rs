//! The end of each command's `--help`: examples of use and what its exit
//! codes mean.

/// Every command exits 2 on a usage error (clap's code).
const USAGE: &str = "  2  命令行用法错误（未知的选项、缺少参数、取值不对等）";

/// The text after `path`'s help (`zhibiao`, `zhibiao eval`, …).
pub fn after_help(path: &str) -> Option<String> {
    let (examples, codes): (&[&str], &[&str]) = match path {
        "zhibiao" => (
            &[
                "zhibiao check rules/                        检查目录中的全部规则文件",
                "zhibiao eval rules/national.zb --data examples/evidence",
                "zhibiao eval rules/national.zb --data examples/evidence -o 结果.xlsx",
                "zhibiao help eval                           某个命令的帮助",
            ],
            &["  0  成功", "  1  规则、证据或输出有错误（错误已列出）"],
        ),
        "zhibiao check" => (
            &[
                "zhibiao check rules/national.zb",
                "zhibiao check rules/                        目录中除 *.test.zb 外的全部 .zb 文件",
                "zhibiao check rules/national.zb --format json",
            ],
            &["  0  没有错误（可能有警告）", "  1  有错误，或文件无法读取"],
        ),
        "zhibiao eval" => (
            &[
                "zhibiao eval rules/national.zb --data examples/evidence",
                "zhibiao eval rules/national.zb --data examples/evidence --level 2",
                "zhibiao eval rules/national.zb --data examples/evidence --columns 1.1,2.3",
                "zhibiao eval rules/national.zb --data examples/evidence -o 结果.csv --bom",
                "zhibiao eval rules/national.zb --data 主体=主体.csv --data 事件=事件.csv --param 评价年度=2024",
            ],
            &["  0  全部主体已评分", "  1  规则或证据有错误，未评分（错误已列出）"],
        ),
        "zhibiao explain" => (
            &[
                "zhibiao explain rules/national.zb --data examples/evidence --subject 110101",
                "zhibiao explain rules/national.zb --data examples/evidence --subject 东城区 --format html -o 东城区.html",
                "zhibiao explain rules/national.zb --data examples/evidence --all -o 反馈函/",
            ],
            &["  0  反馈函已写出", "  1  规则或证据有错误，或没有这个主体"],
        ),
        "zhibiao report" => (
            &[
                "zhibiao report rules/national.zb --data examples/evidence -o 报告.html",
                "zhibiao report rules/national.zb --data examples/evidence --letters 反馈函 -o 报告.html",
            ],
            &["  0  报告已写出", "  1  规则或证据有错误，未写报告"],
        ),
        "zhibiao sensitivity" => (
            &[
                "zhibiao sensitivity rules/national.zb --data examples/evidence",
                "zhibiao sensitivity rules/national.zb --data examples/evidence --runs 1000 -o 敏感性.html",
            ],
            &["  0  分析已完成", "  1  规则或证据有错误"],
        ),
        "zhibiao diff" => (
            &[
                "zhibiao diff old.zb rules/national.zb --data examples/evidence",
                "zhibiao diff git:HEAD~1:rules/national.zb rules/national.zb --data examples/evidence",
                "zhibiao diff --old HEAD~1:rules/national.zb rules/national.zb --data examples/evidence -o 变化.md",
            ],
            &["  0  比较已完成", "  1  规则或证据有错误"],
        ),
        "zhibiao compare" => (
            &[
                "zhibiao compare rules/national.zb --data 2024=examples/evidence-2024 --data 2025=examples/evidence",
                "zhibiao compare rules/national.zb --data 2024=examples/evidence-2024 --data 2025=examples/evidence -o 比较.xlsx",
            ],
            &["  0  比较已完成", "  1  规则或某一年度的证据有错误"],
        ),
        "zhibiao test" => (
            &[
                "zhibiao test rules/                         目录中的全部 *.test.zb",
                "zhibiao test rules/national.zb              使用旁边的 national.test.zb",
                "zhibiao test rules/ --coverage",
            ],
            &["  0  全部测试通过", "  1  有测试未通过，或测试文件有错误"],
        ),
        "zhibiao fmt" => (
            &[
                "zhibiao fmt rules/                          排版目录中的全部 .zb 文件",
                "zhibiao fmt --check rules/national.zb       只列出差异，不改动文件",
            ],
            &[
                "  0  已排版（--check：无需排版）",
                "  1  有语法错误未排版，或（--check）有文件需要排版",
            ],
        ),
        "zhibiao template" => (
            &[
                "zhibiao template rules/national.zb -o 证据模板.xlsx",
                "zhibiao template rules/national.zb --data examples/evidence -o 证据模板.xlsx",
            ],
            &["  0  模板已写出", "  1  规则有错误，或无法写入"],
        ),
        "zhibiao doc" => (
            &[
                "zhibiao doc rules/national.zb",
                "zhibiao doc rules/national.zb -o 评分细则.docx",
            ],
            &["  0  细则已写出", "  1  规则有错误，或无法写入"],
        ),
        "zhibiao lsp" => (
            &[
                "zhibiao lsp                                 由编辑器启动，经标准输入输出通信（编辑器支持的说明见文档目录）",
                "zhibiao lsp --rules-root rules              继承 的文件限于 rules 目录之内",
            ],
            &["  0  编辑器先请求关闭、再通知退出", "  1  编辑器未请求关闭即通知退出，或通信中断"],
        ),
        "zhibiao completions" => (
            &[
                "zhibiao completions bash > ~/.local/share/bash-completion/completions/zhibiao",
                "zhibiao completions zsh > ~/.zfunc/_zhibiao",
                "zhibiao completions fish > ~/.config/fish/completions/zhibiao.fish",
                "zhibiao completions powershell >> $PROFILE",
            ],
            &["  0  补全脚本已写到标准输出"],
        ),
        _ => return None,
    };
    let mut text = String::from("用法示例:\n");
    for e in examples {
        text.push_str("  ");
        text.push_str(e);
        text.push('\n');
    }
    text.push_str("\n退出码:\n");
    for c in codes {
        text.push_str(c);
        text.push('\n');
    }
    text.push_str(USAGE);
    Some(text)
}
