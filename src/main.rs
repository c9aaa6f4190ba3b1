//! The `nomen` command line: the language server and its batch commands.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use nomen::cli;

#[derive(Parser)]
#[command(
    name = "nomen",
    version,
    about = "Finds the people, organisations and places in prose"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Language {
    Auto,
    Fr,
    En,
}

impl Language {
    fn lang(self) -> Option<nomen::extract::Lang> {
        match self {
            Language::Auto => None,
            Language::Fr => Some(nomen::extract::Lang::Fr),
            Language::En => Some(nomen::extract::Lang::En),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Runs the language server on stdin and stdout.
    Lsp {
        /// Accepted and ignored: the server always speaks on stdio.
        #[arg(long)]
        stdio: bool,
    },
    /// Prints the diagnostics the server would publish, as `path:line:column: severity: message`.
    Check {
        #[arg(long, value_enum, default_value = "auto")]
        language: Language,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Prints or writes the entities of each file, or of each JSON Lines document on stdin.
    Extract {
        #[arg(long, value_enum, default_value = "jsonl")]
        format: cli::ExtractFormat,
        /// Where `brat` and `conll` write `NAME.ann` / `NAME.conll` (required for brat).
        #[arg(long, conflicts_with = "stdin")]
        out_dir: Option<PathBuf>,
        /// The language of documents that do not say theirs.
        #[arg(long, value_enum, default_value = "auto")]
        language: Language,
        /// Reads JSON Lines `{"id", "text", "language"}` from stdin and prints one line per
        /// line, in order: `{"id", "language", "entities"}` or `{"id", "error"}`.
        #[arg(long, conflicts_with = "files")]
        stdin: bool,
        /// Worker threads for `--stdin` (default: one per core).
        #[arg(long, requires = "stdin", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// A folder holding `.nomen/`, whose knowledge base `--stdin` uses.
        #[arg(long, requires = "stdin")]
        knowledge: Option<PathBuf>,
        #[arg(required_unless_present = "stdin")]
        files: Vec<PathBuf>,
    },
    /// Trains the tagger's model (see `src/tagger/mod.rs` for the exact commands).
    Train {
        #[arg(long, value_enum)]
        lang: Language,
        #[arg(long)]
        out: PathBuf,
        /// Development documents (brat; repeatable): scores reported after each epoch, never
        /// trained on.
        #[arg(long)]
        dev: Vec<PathBuf>,
        /// CoNLL files to train on whole, no tenth held out (repeatable): for a corpus whose
        /// development split is another file.
        #[arg(long)]
        whole: Vec<PathBuf>,
        #[arg(long, default_value_t = 12)]
        epochs: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 2)]
        min_count: u32,
        /// Perceptrons trained on different orders of the examples and summed into the model.
        #[arg(long, default_value_t = 4)]
        members: usize,
        /// Train a linear-chain CRF instead of the averaged perceptron.
        #[arg(long)]
        crf: bool,
        /// Leave the rules' mentions out of the features.
        #[arg(long)]
        no_rule_features: bool,
        /// Word-identity dropout: the probability (0 to 1) that a training token's own word
        /// features are left out of a visit.
        #[arg(long, default_value_t = 0.0)]
        identity_dropout: f64,
        /// Per-corpus copies of the features (domain adaptation), the corpus named by the
        /// folder of each input file.
        #[arg(long)]
        domain_copies: bool,
        /// Adds N copies of each paragraph with names in it, each name swapped (with
        /// probability one half) for one of its kind from the lexicon's sourced lists
        #[arg(long, default_value_t = 0, value_name = "N")]
        substitute: u32,
        #[command(flatten)]
        fold: Fold,
        /// brat files or directories and CoNLL files (their every tenth document is held out).
        #[arg(required_unless_present = "whole")]
        inputs: Vec<PathBuf>,
    },
    /// Scores extraction on brat documents and CoNLL files (P/R/F1 per label, exact spans).
    Eval {
        #[arg(long, value_enum)]
        lang: Language,
        /// The rules alone, without the tagger.
        #[arg(long)]
        rules: bool,
        /// A model file instead of the embedded model.
        #[arg(long)]
        model: Option<PathBuf>,
        /// All of each CoNLL file instead of its development tenth.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        fold: Fold,
        /// Where to write the CoNLL documents as brat files.
        #[arg(long)]
        brat_dir: Option<PathBuf>,
        /// Print this many misses.
        #[arg(long, default_value_t = 0)]
        misses: usize,
        /// The training corpora of the model (as given to `train`): recall is also reported on
        /// the gold mentions whose form their gold never has. Repeat for each path.
        #[arg(long)]
        seen: Vec<PathBuf>,
        /// Training corpora trained on whole (`train --whole`). Repeat for each path.
        #[arg(long)]
        seen_whole: Vec<PathBuf>,
        /// Score each document with a model learnt only from the documents before it (in the
        /// order given, directories sorted), each learnt as an annotator leaves it: its gold
        /// mentions, and the suggestions not among them rejected.
        #[arg(long)]
        learned: bool,
        /// With --learned: after each of these numbers of documents, also score all the
        /// documents after it with the model learnt so far and with none (the learning curve).
        #[arg(long, value_delimiter = ',', requires = "learned")]
        curve: Vec<usize>,
        /// With --learned: write the model learnt from the first max(--curve) documents (all
        /// without --curve) to this file.
        #[arg(long, requires = "learned")]
        save_model: Option<PathBuf>,
        /// With --learned: the change of a weight at each mistake (model units).
        #[arg(long, requires = "learned")]
        step: Option<i32>,
        /// With --learned: the change of the other weights and transitions at each mistake.
        #[arg(long, requires = "learned")]
        context_step: Option<i32>,
        /// With --learned: learn each document as complete (what is not annotated is no
        /// entity) instead of rejecting the wrong suggestions.
        #[arg(long, requires = "learned")]
        complete: bool,
        /// With --learned: visits of each document at most.
        #[arg(long, requires = "learned")]
        passes: Option<usize>,
        /// With --learned: the lead an annotated token's tag must have over the others before
        /// learning stops moving it (model units).
        #[arg(long, requires = "learned")]
        margin: Option<i32>,
        /// A workspace model file (`.nomen/model.delta`) to use instead of that of the nearest
        /// `.nomen/` folder of the first input.
        #[arg(long, conflicts_with = "learned")]
        workspace_model: Option<PathBuf>,
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Learns `DIR/.nomen/model.delta`, the workspace model, from every annotated document
    /// (`.ann` beside `.txt` or `.md`) under DIR; the same files give the same bytes.
    Learn {
        /// Remove the workspace model instead: extraction goes back to the shipped model.
        #[arg(long)]
        reset: bool,
        dir: PathBuf,
    },
    /// Measures the speed and memory targets (see the README).
    Bench {
        #[command(subcommand)]
        what: cli::BenchCommand,
    },
    /// Converts annotations between brat (.txt + .ann), JSON Lines and CoNLL IOB2, saying on
    /// stderr what each conversion loses.
    Convert {
        /// The format to write.
        #[arg(long, value_enum)]
        to: cli::AnnFormat,
        /// Where to write (default: beside each input).
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// .ann (or .txt/.md with a .ann beside), .jsonl or .conll files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
    /// The agreement of two annotators: pairwise F1 on exact and overlapping spans, per label
    /// and micro, the label confusion and the disagreements.
    Agree {
        /// JSON for scripts.
        #[arg(long)]
        json: bool,
        /// A .ann file, or a folder of them.
        a: PathBuf,
        /// A .ann file, or a folder of them paired with A's by relative path.
        b: PathBuf,
    },
}

/// Which tenth of each CoNLL file `train` holds out and `eval` scores.
#[derive(clap::Args)]
struct Fold {
    /// The tenth of each CoNLL file held out: 9 (documents 9, 19, ...) is the development
    /// split; 0 to 8 make check splits (train without tenth k, score tenth k).
    #[arg(long, default_value_t = nomen::tagger::conll::DEV_FOLD as u8, value_parser = clap::value_parser!(u8).range(0..=9))]
    fold: u8,
}

impl Fold {
    fn tenth(&self) -> usize {
        usize::from(self.fold)
    }
}

/// `train` and `eval` work on one language at a time.
fn needs_lang(language: Language) -> anyhow::Result<nomen::extract::Lang> {
    language
        .lang()
        .ok_or_else(|| anyhow::anyhow!("give --lang fr or --lang en"))
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("NOMEN_LOG")
                .unwrap_or_else(|_| "nomen=info".into()),
        )
        .init();
    let args = Args::parse();
    let result = match args.command {
        Command::Lsp { stdio: _ } => cli::lsp(),
        Command::Check { language, files } => cli::check(&files, language.lang()),
        Command::Extract {
            format,
            out_dir,
            language,
            stdin: false,
            files,
            ..
        } => cli::extract(&files, format, out_dir.as_deref(), language.lang()),
        Command::Extract {
            format,
            language,
            jobs,
            knowledge,
            ..
        } => match format {
            cli::ExtractFormat::Jsonl => cli::extract_stdin(&cli::StdinOptions {
                jobs: jobs.map(usize::from),
                language: language.lang(),
                knowledge,
            }),
            _ => Err(anyhow::anyhow!("--stdin prints JSON Lines only")),
        },
        Command::Bench { what } => cli::bench(what),
        Command::Convert {
            to,
            out_dir,
            inputs,
        } => cli::annotations::convert(&inputs, to, out_dir.as_deref()),
        Command::Agree { json, a, b } => cli::annotations::agree(&a, &b, json),
        Command::Train {
            lang,
            out,
            dev,
            whole,
            epochs,
            seed,
            min_count,
            members,
            crf,
            no_rule_features,
            identity_dropout,
            domain_copies,
            substitute,
            fold,
            inputs,
        } => needs_lang(lang).and_then(|lang| {
            cli::train::run(&cli::train::TrainOptions {
                lang,
                out,
                dev,
                inputs,
                whole,
                config: nomen::tagger::TrainConfig {
                    epochs,
                    seed,
                    min_count,
                    members,
                    crf,
                    identity_dropout: (identity_dropout.clamp(0.0, 1.0) * 1000.0).round() as u32,
                    domain_copies,
                },
                rule_features: !no_rule_features,
                substitute,
                fold: fold.tenth(),
            })
        }),
        Command::Eval {
            lang,
            rules,
            model,
            all,
            fold,
            brat_dir,
            misses,
            seen,
            seen_whole,
            learned,
            curve,
            save_model,
            step,
            context_step,
            complete,
            passes,
            margin,
            workspace_model,
            inputs,
        } => needs_lang(lang).and_then(|lang| {
            let defaults = nomen::tagger::LearnConfig::default();
            let learned = learned.then(|| cli::learn::CurveOptions {
                lang,
                at: curve,
                config: nomen::tagger::LearnConfig {
                    step: step.unwrap_or(defaults.step),
                    context_step: context_step.unwrap_or(defaults.context_step),
                    passes: passes.unwrap_or(defaults.passes),
                    margin: margin.unwrap_or(defaults.margin),
                },
                save: save_model,
                complete,
            });
            cli::eval::run(&cli::eval::EvalOptions {
                lang,
                rules,
                model,
                all,
                fold: fold.tenth(),
                brat_dir,
                misses,
                seen,
                seen_whole,
                inputs,
                learned,
                workspace_model,
            })
        }),
        Command::Learn { reset, dir } => cli::learn::run(&dir, reset),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nomen: {e:#}");
            ExitCode::from(2)
        }
    }
}
