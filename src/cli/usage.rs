//! The command line in one language: clap's help and its usage errors in
//! Chinese.
//!
//! clap writes its headings ("Usage:", "Options:"), its own flags ("Print
//! help"), `[default: …]`, `[possible values: …]` and its errors in
//! English. Here the command that `main.rs` declares is rewritten before
//! parsing: a help template with Chinese headings, our own `-h`/`-V` and
//! `help`, the defaults and possible values written into each help text;
//! and a usage error is rendered from its [`ErrorKind`] and context (see
//! [`render`]), exit code 2 as clap's.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};
use std::ffi::OsString;

/// Exit code of a usage error (as clap's).
pub const USAGE_EXIT: i32 = 2;

/// The version, and the commit the binary was built from (`build.rs`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "（提交 ",
    env!("ZHIBIAO_COMMIT"),
    "）"
);

/// Parse the process's arguments into `T`, or print help, the version or
/// a usage error in Chinese and exit.
pub fn parse<T: clap::Parser>() -> T {
    parse_from(std::env::args_os())
}

/// As [`parse`], from given arguments (the first is the program).
pub fn parse_from<T: clap::Parser>(args: impl IntoIterator<Item = OsString>) -> T {
    let mut cmd = command(T::command());
    let args = help_subcommand(args.into_iter().collect());
    let parsed = cmd
        .try_get_matches_from_mut(args.clone())
        .and_then(|mut m| T::from_arg_matches_mut(&mut m));
    match parsed {
        Ok(t) => t,
        Err(e) => exit(&e, usage_of(&cmd, &args).as_deref()),
    }
}

/// The usage line of the subcommand the arguments name (for errors
/// whose context has none, such as a value not among the possible ones).
fn usage_of(cmd: &Command, args: &[OsString]) -> Option<String> {
    let sub = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find_map(|a| cmd.find_subcommand(a))?;
    Some(usage_line(sub, &format!("zhibiao {}", sub.get_name())))
}

/// The command as clap builds it from `main.rs`, in Chinese.
pub fn command(cmd: Command) -> Command {
    let name = cmd.get_name().to_string();
    let cmd = cmd
        .version(VERSION)
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本（及构建所用的提交）"),
        )
        .disable_help_subcommand(true)
        .subcommand(
            Command::new("help")
                .about("显示本帮助，或某个命令的帮助（zhibiao help 命令 即 zhibiao 命令 --help）")
                .arg(Arg::new("命令").num_args(0..).help("要看帮助的命令")),
        )
        .subcommand_value_name("命令");
    localize(cmd, &name)
}

/// One command and its subcommands: headings, help flag, defaults,
/// possible values, usage line and its examples.
fn localize(cmd: Command, path: &str) -> Command {
    let cmd = cmd
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助"),
        )
        .mut_args(localize_arg);
    let cmd = match super::examples::after_help(path) {
        Some(text) => cmd.after_help(text),
        None => cmd,
    };
    let template = template(&cmd);
    let usage = usage_line(&cmd, path);
    cmd.help_template(template)
        .override_usage(usage)
        .mut_subcommands(|sub| {
            let sub_path = format!("{path} {}", sub.get_name());
            localize(sub, &sub_path)
        })
}

/// The help layout: clap's default, with a heading of our own per part
/// the command has.
fn template(cmd: &Command) -> String {
    let mut t = String::from("{before-help}{about-with-newline}\n用法: {usage}");
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        t.push_str("\n\n参数:\n{positionals}");
    }
    if cmd
        .get_arguments()
        .any(|a| !a.is_positional() && !a.is_hide_set())
    {
        t.push_str("\n\n选项:\n{options}");
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        t.push_str("\n\n命令:\n{subcommands}");
    }
    t.push_str("{after-help}");
    t
}

/// clap's usage line for `path` with `[OPTIONS]` in Chinese.
fn usage_line(cmd: &Command, path: &str) -> String {
    let mut alone = cmd.clone().bin_name(path);
    let usage = alone.render_usage().to_string();
    let usage = usage.strip_prefix("Usage:").unwrap_or(&usage).trim();
    usage.replace("[OPTIONS]", "[选项]")
}

/// An argument's help with its default and possible values written in
/// Chinese after it (clap's own `[default: …]` hidden).
fn localize_arg(arg: Arg) -> Arg {
    if !arg.get_action().takes_values() {
        return arg;
    }
    let mut extra = String::new();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| match v.get_help() {
            Some(h) => format!("{}（{h}）", v.get_name()),
            None => v.get_name().to_string(),
        })
        .collect();
    if !values.is_empty() && !arg.is_hide_possible_values_set() {
        extra.push_str(&format!(" [可选值: {}]", values.join(", ")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    // Some help texts already say their default in words.
    let said = arg
        .get_help()
        .is_some_and(|h| h.to_string().contains("默认"));
    if !defaults.is_empty() && !arg.is_hide_default_value_set() && !said {
        extra.push_str(&format!(" [默认: {}]", defaults.join(", ")));
    }
    // clap's own `[default: …]` and `[possible values: …]` never show.
    let arg = arg.hide_possible_values(true).hide_default_value(true);
    if extra.is_empty() {
        return arg;
    }
    let help = arg.get_help().map(|h| format!("{h}{extra}"));
    let long = arg
        .get_long_help()
        .map(|h| format!("{h}\n\n{}", extra.trim()));
    let arg = match help {
        Some(h) => arg.help(h),
        None => arg.help(extra.trim().to_string()),
    };
    match long {
        Some(l) => arg.long_help(l),
        None => arg,
    }
}

/// `zhibiao help [命令…]` is `zhibiao [命令…] --help`.
fn help_subcommand(mut args: Vec<OsString>) -> Vec<OsString> {
    if args.get(1).is_some_and(|a| a == "help") {
        args.remove(1);
        args.push(OsString::from("--help"));
    }
    args
}

/// Help and the version to stdout (exit 0); a usage error in Chinese to
/// stderr (exit 2), with `usage` when clap gave none.
pub fn exit(e: &clap::Error, usage: Option<&str>) -> ! {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ => {
            say!("{}", render(e, usage).trim_end());
            std::process::exit(USAGE_EXIT)
        }
    }
}

/// A usage error of our own (two options that do not go together, a
/// repeated `--param`), rendered like clap's, exit 2. `command` is the
/// subcommand's name, or empty.
pub fn fail(cmd: Command, command: &str, message: &str) -> ! {
    let cmd = self::command(cmd);
    let usage = match cmd.find_subcommand(command) {
        Some(sub) => usage_line(sub, &format!("zhibiao {command}")),
        None => usage_line(&cmd, "zhibiao"),
    };
    let mut out = format!("错误: {message}\n");
    out.push_str(&footer(&usage));
    say!("{}", out.trim_end());
    std::process::exit(USAGE_EXIT)
}

/// The Chinese text of a usage error: the message, tips, the usage line
/// (clap's, else `usage`) and where to read more.
pub fn render(e: &clap::Error, usage: Option<&str>) -> String {
    let mut out = format!("错误: {}\n", message(e));
    let tips = tips(e);
    if !tips.is_empty() {
        out.push('\n');
    }
    for tip in tips {
        out.push_str(&format!("  提示: {tip}\n"));
    }
    let given = text(e, ContextKind::Usage);
    let given = given.as_deref().map(|u| {
        let u = u.trim();
        u.strip_prefix("Usage:").unwrap_or(u).trim()
    });
    if let Some(usage) = given.or(usage) {
        out.push_str(&footer(usage));
    }
    out
}

/// The usage line and the command whose `--help` says more.
fn footer(usage: &str) -> String {
    let command: Vec<&str> = usage
        .split_whitespace()
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    format!(
        "\n用法: {usage}\n\n详细说明请运行 {} --help\n",
        command.join(" ")
    )
}

/// A context value as text.
fn text(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::None => None,
        v => Some(v.to_string()),
    }
}

/// A context value as a list.
fn list(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        _ => Vec::new(),
    }
}

/// The first line of the error, by its kind.
fn message(e: &clap::Error) -> String {
    let arg = text(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = text(e, ContextKind::InvalidValue).unwrap_or_default();
    let number = |k| text(e, k).unwrap_or_default();
    match e.kind() {
        ErrorKind::InvalidValue if value.is_empty() => format!("“{arg}”需要一个值，但没有给出"),
        ErrorKind::InvalidValue => {
            let mut m = format!("“{value}”不是“{arg}”可取的值");
            let valid = list(e, ContextKind::ValidValue);
            if !valid.is_empty() {
                m.push_str(&format!("\n  可选值: {}", valid.join(", ")));
            }
            m
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!("：{}", reason(s)))
                .unwrap_or_default();
            format!("“{value}”不是“{arg}”可取的值{why}")
        }
        ErrorKind::UnknownArgument => format!("无法识别的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => format!(
            "没有命令“{}”",
            text(e, ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => {
            let missing = list(e, ContextKind::InvalidArg);
            let lines: Vec<String> = missing.iter().map(|m| format!("\n  {m}")).collect();
            format!("缺少必须给出的参数：{}", lines.concat())
        }
        ErrorKind::MissingSubcommand => {
            let mut m = format!(
                "“{}”后面需要一个命令",
                text(e, ContextKind::InvalidSubcommand).unwrap_or_default()
            );
            let valid = list(e, ContextKind::ValidSubcommand);
            if !valid.is_empty() {
                m.push_str(&format!("\n  可用的命令: {}", valid.join(", ")));
            }
            m
        }
        ErrorKind::ArgumentConflict => conflict(e, &arg),
        ErrorKind::NoEquals => format!("给“{arg}”赋值须用等号（{arg}=值）"),
        ErrorKind::TooManyValues => format!("“{arg}”不需要更多的值，多出了“{value}”"),
        ErrorKind::TooFewValues => format!(
            "“{arg}”至少需要 {} 个值，只给了 {} 个",
            number(ContextKind::MinValues),
            number(ContextKind::ActualNumValues)
        ),
        ErrorKind::WrongNumberOfValues => format!(
            "“{arg}”需要 {} 个值，给了 {} 个",
            number(ContextKind::ExpectedNumValues),
            number(ContextKind::ActualNumValues)
        ),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_string(),
        ErrorKind::Io | ErrorKind::Format => "无法输出帮助".to_string(),
        _ => "命令行有误".to_string(),
    }
}

/// Two arguments that do not go together, or one given twice.
fn conflict(e: &clap::Error, arg: &str) -> String {
    let prior = list(e, ContextKind::PriorArg);
    if arg.is_empty() {
        let sub = text(e, ContextKind::InvalidSubcommand).unwrap_or_default();
        return format!("命令“{sub}”不能与其他参数同时使用");
    }
    if prior.len() == 1 && prior[0] == arg {
        return format!("参数“{arg}”只能给出一次");
    }
    match prior.as_slice() {
        [] => format!("参数“{arg}”不能与其他参数同时使用"),
        [one] => format!("参数“{arg}”不能与“{one}”同时使用"),
        many => {
            let lines: Vec<String> = many.iter().map(|m| format!("\n  {m}")).collect();
            format!("参数“{arg}”不能与以下参数同时使用：{}", lines.concat())
        }
    }
}

/// Why a value was refused: our parsers say it in Chinese; clap's and
/// the standard library's number parsers in English, so those are
/// recognised and said again.
fn reason(source: &(dyn std::error::Error + 'static)) -> String {
    use std::num::IntErrorKind;
    if let Some(e) = source.downcast_ref::<std::num::ParseIntError>() {
        return match e.kind() {
            IntErrorKind::Empty => "没有给出数".to_string(),
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => "数太大".to_string(),
            _ => "应为整数".to_string(),
        };
    }
    let said = source.to_string();
    if let Some((value, range)) = said.split_once(" is not in ") {
        return format!("{value} 不在 {range} 之内");
    }
    if said.chars().any(|c| c.is_ascii_alphabetic()) && !said.chars().any(is_cjk) {
        return "取值无效".to_string();
    }
    said
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Suggestions: the option, value or command probably meant, or how to
/// pass a value that starts with `-`.
fn tips(e: &clap::Error) -> Vec<String> {
    let mut tips = Vec::new();
    let meant = |kind| list(e, kind);
    let typed = text(e, ContextKind::InvalidSubcommand).unwrap_or_default();
    for s in meant(ContextKind::SuggestedArg)
        .into_iter()
        .chain(meant(ContextKind::SuggestedValue))
        .chain(meant(ContextKind::SuggestedSubcommand))
        // `help` is close to many short typos (evl); offered only for h….
        .filter(|s| s != "help" || typed.starts_with('h'))
    {
        tips.push(format!("是否想写“{s}”？"));
    }
    if let Some(cmd) = text(e, ContextKind::SuggestedCommand) {
        tips.push(format!("是否想写“{cmd}”？"));
    }
    let arg = text(e, ContextKind::InvalidArg).unwrap_or_default();
    if e.kind() == ErrorKind::UnknownArgument && tips.is_empty() && arg.starts_with('-') {
        tips.push(format!(
            "若“{arg}”是一个值而不是选项，请写在 -- 之后：-- {arg}"
        ));
    }
    if e.kind() == ErrorKind::InvalidSubcommand && tips.is_empty() {
        tips.push("zhibiao --help 列出全部命令".to_string());
    }
    tips
}
