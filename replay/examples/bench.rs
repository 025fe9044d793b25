//! Replay speed beside the scan limit, on synthetic traces.
//!
//! `bench gen DIR ROWS` writes `DIR/dataset` (16 environments, seed 1) and
//! one profile per workload to `DIR/profiles`. `bench run DIR` loads every
//! profile as one candidate, then, alternately and five times each, only
//! decodes the columns replay reads (the scan limit), computes verdicts
//! alone, and replays; it prints the best time of each and the ratio. When
//! the dataset spans an hour or more, it measures twice: with the times
//! de-duplication reads, and without them. Run it under `/usr/bin/time -v`
//! for peak memory; `replay/bench/replay.sh` does all of that.

use std::path::Path;
use std::time::Duration;

use bob_replay::columns::Rows;
use bob_replay::scan::{Position, Sink, decode_only, open_dataset, replay, scan};
use bob_replay::{Candidate, ReplayOptions};
use bob_trace::synth::{SynthOptions, generate, write_profiles};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen", dir, rows] => {
            let opts = SynthOptions {
                rows: rows.parse()?,
                ..Default::default()
            };
            let dir = Path::new(dir);
            let report = generate(&dir.join("dataset"), &opts)?;
            write_profiles(&dir.join("profiles"), &opts)?;
            println!("wrote {} rows in {} files", report.rows, report.files.len());
        }
        ["run", dir] => run(Path::new(dir))?,
        ["profile-verdicts", dir] => {
            let (files, candidates) = load(Path::new(dir))?;
            for _ in 0..3 {
                scan(
                    &files,
                    &candidates,
                    &ReplayOptions::default(),
                    &mut Verdicts,
                )?;
            }
        }
        ["profile", dir] => {
            // Only replays, for a profiler.
            let (files, candidates) = load(Path::new(dir))?;
            for _ in 0..3 {
                replay(&files, &candidates, &ReplayOptions::default())?;
            }
        }
        _ => return Err("usage: bench gen DIR ROWS | bench run DIR".into()),
    }
    Ok(())
}

/// Computes verdicts and drops them: evaluation cost without scoring.
struct Verdicts;

impl Sink for Verdicts {
    type Part = u64;
    fn part(&self) -> u64 {
        0
    }
    fn batch(&self, part: &mut u64, _: Position, _: &Rows, v: &[Vec<u16>]) {
        *part += v[0].iter().filter(|&&x| x != 0).count() as u64;
    }
    fn merge(&mut self, _: u64) -> Result<(), bob_replay::ReplayError> {
        Ok(())
    }
}

type Loaded = (
    std::sync::Arc<Vec<bob_replay::columns::OpenFile>>,
    Vec<Candidate>,
);

fn load(dir: &Path) -> Result<Loaded, Box<dyn std::error::Error>> {
    let mut profiles: Vec<String> = std::fs::read_dir(dir.join("profiles"))?
        .map(|e| e.map(|e| e.path().display().to_string()))
        .collect::<Result<_, _>>()?;
    profiles.sort();
    let candidates = vec![Candidate::load(&profiles.join(","))?];
    let files = open_dataset(&dir.join("dataset"))?;
    Ok((files, candidates))
}

fn run(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let (files, candidates) = load(dir)?;
    let with_window = ReplayOptions::default();
    let without = ReplayOptions {
        no_dedup_window: true,
        ..Default::default()
    };
    if bob_replay::scan::needs_times(&files) {
        println!("the dataset spans an hour or more: de-duplication reads the rows' times");
        measure(
            &files,
            &candidates,
            &with_window,
            "with the one-hour window",
        )?;
        measure(&files, &candidates, &without, "without reading times")?;
    } else {
        measure(&files, &candidates, &with_window, "")?;
    }
    Ok(())
}

fn measure(
    files: &[bob_replay::columns::OpenFile],
    candidates: &[Candidate],
    opts: &ReplayOptions,
    title: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    if !title.is_empty() {
        println!("-- {title}");
    }
    let (mut scan_best, mut replay_best, mut eval_best) =
        (Duration::MAX, Duration::MAX, Duration::MAX);
    let mut rows = 0;
    let mut board = None;
    for _ in 0..5 {
        let s = decode_only(files, opts)?;
        scan_best = scan_best.min(s.elapsed);
        let e = scan(files, candidates, opts, &mut Verdicts)?;
        eval_best = eval_best.min(e.elapsed);
        // Timed whole: finishing the scoreboards is part of replay.
        let t = std::time::Instant::now();
        let (boards, r) = replay(files, candidates, opts)?;
        replay_best = replay_best.min(t.elapsed());
        rows = r.rows;
        board = boards.into_iter().next();
    }
    let rate = |d: Duration| rows as f64 / d.as_secs_f64();
    println!("events:        {rows}");
    println!("threads:       {}", rayon::current_num_threads());
    println!(
        "scan limit:    {:.3} s  {:.0} events/s",
        scan_best.as_secs_f64(),
        rate(scan_best)
    );
    println!(
        "verdicts only: {:.3} s  {:.0} events/s",
        eval_best.as_secs_f64(),
        rate(eval_best)
    );
    println!(
        "replay:        {:.3} s  {:.0} events/s",
        replay_best.as_secs_f64(),
        rate(replay_best)
    );
    println!(
        "ratio:         {:.3} of the scan limit",
        scan_best.as_secs_f64() / replay_best.as_secs_f64()
    );
    if let Some(b) = board {
        println!(
            "alerts:        {} ({} distinct), tp {} fp {} fn {} tn {}",
            b.alerts,
            b.distinct_alerts,
            b.confusion.tp,
            b.confusion.fp,
            b.confusion.fn_,
            b.confusion.tn
        );
    }
    Ok(())
}
