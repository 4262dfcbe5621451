//! `zhibiao completions SHELL`: a completion script for the shell, from
//! the same (Chinese) command that parses the arguments.

use std::process::ExitCode;

/// The shells a script is written for.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// The script on stdout.
pub fn print(cmd: clap::Command, shell: Shell) -> ExitCode {
    use clap_complete::Shell as S;
    let shell = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut cmd = super::usage::command(cmd);
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "zhibiao", &mut script);
    match super::stdout(&String::from_utf8_lossy(&script)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(()) => ExitCode::from(1),
    }
}
