//! The `zhibiao` command line.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use zhibiao::diagnostic;
use zhibiao::driver;

#[derive(Parser)]
#[command(
    name = "zhibiao",
    version,
    about = "政务诚信评价指标规则语言与评分工具"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查规则文件（语法与类型检查）；有错误时退出码为 1
    Check {
        /// 规则文件
        #[arg(required = true)]
        rules: Vec<PathBuf>,
        /// 诊断输出格式
        #[arg(long, value_enum, default_value_t = DiagFormat::Human)]
        format: DiagFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DiagFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { rules, format } => check(&rules, format),
    }
}

fn check(paths: &[PathBuf], format: DiagFormat) -> ExitCode {
    let mut failed = false;
    let mut all_json = Vec::new();
    for path in paths {
        let compiled = match driver::compile_file(path) {
            Ok(c) => c,
            Err(msg) => {
                eprintln!("错误: {msg}");
                failed = true;
                continue;
            }
        };
        failed |= compiled.has_errors();
        match format {
            DiagFormat::Human => diagnostic::render_stderr(&compiled.files, &compiled.diagnostics),
            DiagFormat::Json => all_json.push(diagnostic::render_json(
                &compiled.files,
                &compiled.diagnostics,
            )),
        }
    }
    if let DiagFormat::Json = format {
        println!("{}", merge_json(&all_json));
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// One JSON array from the per-file arrays.
fn merge_json(parts: &[String]) -> String {
    let mut all: Vec<serde_json::Value> = Vec::new();
    for p in parts {
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_str(p) {
            all.extend(items);
        }
    }
    serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".to_string())
}
