//! Tests of the tagger: learning, the file format, reproducibility and CoNLL reading.
//! Feature tests on tricky text are in `features.rs`. All texts are written for these tests.

use std::borrow::Cow;

use text_size::{TextRange, TextSize};

use super::model::{self, Model, Pos, TAGS};
use super::*;
use crate::extract::{Keys, Label, Lang, Lexicon, Rules, tokenize};

/// Builds an example from text with `[name](LABEL)` markup.
fn example(marked: &str) -> Example {
    let mut text = String::new();
    let mut gold = Vec::new();
    let mut rest = marked;
    while let Some(open) = rest.find('[') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find("](").map(|i| open + i).unwrap();
        let end = rest[close..].find(')').map(|i| close + i).unwrap();
        let start = TextSize::of(text.as_str());
        text.push_str(&rest[open + 1..close]);
        let label = Label::from_tag(&rest[close + 2..end]).unwrap();
        gold.push((TextRange::new(start, TextSize::of(text.as_str())), label));
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    Example {
        text,
        gold,
        domain: 0,
    }
}

fn small_corpus() -> Vec<Example> {
    [
        "La ministre [Odile Brancart](PER) a visité [Quimperlé](LOC) mardi.",
        "Le groupe [Varnel Industries](ORG) ouvre une usine à [Quimperlé](LOC).",
        "Selon [Odile Brancart](PER), la société [Varnel Industries](ORG) embauchera.",
        "[Tomasz Wielgor](PER) dirige la filiale de [Varnel Industries](ORG) en [Pologne](LOC).",
        "Les habitants de [Quimperlé](LOC) ont rencontré [Tomasz Wielgor](PER) hier.",
        "Il pleut beaucoup cette semaine et les routes sont glissantes.",
    ]
    .iter()
    .map(|s| example(s))
    .collect()
}

fn train_small(config: TrainConfig) -> Vec<u8> {
    train_on(&small_corpus(), config)
}

fn train_on(corpus: &[Example], config: TrainConfig) -> Vec<u8> {
    let lexicon = Lexicon::embedded();
    train::train(
        corpus,
        Lang::Fr,
        &lexicon,
        |text, tokens, keys| Rules::new(text, tokens, &lexicon, Lang::Fr, keys).run(),
        config,
        &mut TrainStats::default(),
        |_, _| {},
    )
}

fn tag(bytes: Vec<u8>, text: &str) -> String {
    let tagger = Tagger::new(Model::from_bytes(Cow::Owned(bytes)).unwrap());
    let lexicon = Lexicon::embedded();
    let tokens = tokenize(text);
    let keys = Keys::new(text, &tokens, &lexicon);
    let hints = Rules::new(text, &tokens, &lexicon, Lang::Fr, &keys).run();
    tagger
        .tag(text, &tokens, &keys, &lexicon, Lang::Fr, &hints)
        .iter()
        .map(|&(r, l)| format!("{}={}", &text[r], l.tag()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn learns_a_small_corpus() {
    let config = TrainConfig {
        epochs: 10,
        seed: 7,
        min_count: 1,
        members: 2,
        crf: false,
        identity_dropout: 0,
        domain_copies: false,
    };
    // The CRF, which `nomen train --crf` trains instead, learns it too.
    for config in [
        config,
        TrainConfig {
            crf: true,
            ..config
        },
    ] {
        let bytes = train_small(config);
        let corpus = small_corpus();
        assert_eq!(
            tag(bytes.clone(), &corpus[3].text),
            "Tomasz Wielgor=PER Varnel Industries=ORG Pologne=LOC",
            "{config:?}"
        );
        assert_eq!(tag(bytes, &corpus[5].text), "", "{config:?}");
    }
}

#[test]
fn no_mention_goes_on_across_a_sentence_end() {
    // Gold that runs over full stops teaches the weights to do so; decoding still stops there.
    let corpus: Vec<Example> = [
        "Il parle à la [Banque Orvalle. Lunel](ORG) répond.",
        "Elle écrit à la [Banque Orvalle. Lunel](ORG) se tait.",
        "On attend la [Banque Orvalle! Lunel](ORG) sourit.",
    ]
    .iter()
    .map(|s| example(s))
    .collect();
    let config = TrainConfig {
        epochs: 10,
        seed: 7,
        min_count: 1,
        members: 1,
        crf: false,
        identity_dropout: 0,
        domain_copies: false,
    };
    let bytes = train_on(&corpus, config);
    // Where no sentence ends, the learnt run-on is kept: the weights did learn it.
    assert_eq!(
        tag(bytes.clone(), "Il parle à la Banque Orvalle, Lunel répond."),
        "Banque Orvalle, Lunel=ORG"
    );
    let tagged = tag(bytes, &corpus[0].text);
    assert!(!tagged.contains(". "), "{tagged}");
    assert!(tagged.contains("Banque Orvalle"), "{tagged}");
}

#[test]
fn training_twice_gives_the_same_bytes() {
    let config = TrainConfig {
        epochs: 3,
        seed: 42,
        min_count: 1,
        members: 2,
        crf: false,
        identity_dropout: 0,
        domain_copies: false,
    };
    assert_eq!(train_small(config), train_small(config));
    let crf = TrainConfig {
        crf: true,
        ..config
    };
    assert_eq!(train_small(crf), train_small(crf));
}

#[test]
fn model_round_trips_through_its_file_format() {
    let mut trans = [0i16; model::TRANSITIONS];
    trans[3] = -5;
    let mut w = [0i16; TAGS];
    w[model::tag_of(Label::Loc, Pos::Unit)] = 120;
    let features = [
        (0x0123_4567_89ab_cdefu64, w),
        (0xfedc_ba98_7654_3210, [1; TAGS]),
    ];
    let bytes = model::write(&trans, &features);
    let m = Model::from_bytes(Cow::Owned(bytes.clone())).unwrap();
    assert_eq!(m.as_bytes(), &bytes[..]);
    assert_eq!(m.rows(), 2);
    assert_eq!(m.transition(0, 3), -5);
    let mut scores = [0; TAGS];
    m.add_weights(0x0123_4567_89ab_cdef, &mut scores);
    m.add_weights(0x0000_0000_89ab_cdef, &mut scores); // same slot, other fingerprint
    assert_eq!(scores[model::tag_of(Label::Loc, Pos::Unit)], 120);
    assert_eq!(scores.iter().sum::<i32>(), 120);
    assert_eq!(
        Model::from_bytes(Cow::Owned(bytes[..bytes.len() - 1].to_vec())).err(),
        Some(BadModel)
    );
    assert_eq!(
        Model::from_bytes(Cow::Borrowed(b"not a model at all, sorry")).err(),
        Some(BadModel)
    );
}

#[test]
fn every_row_is_found_among_many_features() {
    // Enough features for several blocks of 64 slots, with runs of neighbouring hashes so that
    // probes go past their first slot and across blocks.
    let mut features: Vec<(u64, [i16; TAGS])> = (0..700u64)
        .map(|k| {
            let hash = ((k * 0x9e37_79b9) << 32) | (k / 3 * 7 % 1024);
            let mut w = [0i16; TAGS];
            w[(k % TAGS as u64) as usize] = k as i16 + 1;
            w[TAGS - 1] = -(k as i16);
            (hash, w)
        })
        .collect();
    features.sort_unstable_by_key(|&(hash, _)| hash);
    let m = Model::from_bytes(Cow::Owned(model::write(
        &[0; model::TRANSITIONS],
        &features,
    )))
    .unwrap();
    assert_eq!(m.rows(), 700);
    for (hash, w) in &features {
        let mut scores = [0; TAGS];
        m.add_weights(*hash, &mut scores);
        assert_eq!(scores, w.map(i32::from), "row of {hash:#x}");
    }
    // A hash of no feature, whose probe meets occupied slots before a free one: nothing.
    let mut scores = [0; TAGS];
    m.add_weights(0xdead_beef_0000_0000 | (features[0].0 & 0x3ff), &mut scores);
    assert_eq!(scores, [0; TAGS]);
}

#[test]
fn viterbi_finds_the_best_allowed_sequence() {
    // Against every sequence of three tags, on pseudo-random scores and transitions (some
    // scores forbidden, as after a sentence end).
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut next = move |range: i64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        ((state >> 33) as i64 % range) as i32
    };
    for _ in 0..20 {
        let trans: Vec<i32> = (0..(TAGS + 1) * TAGS).map(|_| next(200) - 100).collect();
        let scores: Vec<[i32; TAGS]> = (0..3)
            .map(|_| {
                std::array::from_fn(|_| match next(10) {
                    0 => model::FORBIDDEN,
                    _ => next(400) - 200,
                })
            })
            .collect();
        let transition = |a: usize, b: usize| trans[a * TAGS + b];
        let total = |tags: &[usize]| -> Option<i64> {
            let mut from = None;
            let mut sum = 0i64;
            for (i, &t) in tags.iter().enumerate() {
                if !model::allowed(from, t) || scores[i][t] == model::FORBIDDEN {
                    return None;
                }
                sum += i64::from(transition(from.unwrap_or(TAGS), t)) + i64::from(scores[i][t]);
                from = Some(t);
            }
            model::open_label(tags[tags.len() - 1])
                .is_none()
                .then_some(sum)
        };
        let mut best = None;
        for a in 0..TAGS {
            for b in 0..TAGS {
                for c in 0..TAGS {
                    best = best.max(total(&[a, b, c]));
                }
            }
        }
        let path = model::viterbi(&scores, transition);
        assert_eq!(total(&path), best, "path {path:?}");
    }
}

#[test]
fn bilou_tags_and_spans_agree() {
    let ex = example("Hier [Anne Le Gall](PER) est allée à [Brest](LOC).");
    let tokens = tokenize(&ex.text);
    let (tags, misaligned) = train::gold_tags(&tokens, &ex.gold);
    assert_eq!(misaligned, 0);
    assert_eq!(spans(&tokens, &tags), ex.gold);
    for pair in tags.windows(2) {
        assert!(model::allowed(Some(pair[0]), pair[1]), "{pair:?}");
    }
}

#[test]
fn embedded_models_load() {
    for lang in [Lang::Fr, Lang::En] {
        let tagger = Tagger::embedded(lang).expect("a model is embedded");
        assert!(tagger.model().rows() > 1000);
    }
    assert_eq!(clusters::cluster(Lang::En, "the"), Some(11));
    assert_eq!(clusters::cluster(Lang::En, "Xqzvwkj"), None);
}

#[test]
fn french_vector_clusters_group_names_of_a_kind() {
    let fr = |w| clusters::cluster(Lang::Fr, w).unwrap_or_else(|| panic!("{w} has a cluster"));
    // Two unions, two communes of the Bordeaux area, two presidents: one cluster each.
    assert_eq!(fr("CFDT"), fr("CGT"));
    assert_eq!(fr("Mérignac"), fr("Pessac"));
    assert_eq!(fr("Macron"), fr("Sarkozy"));
    assert_ne!(fr("Macron"), fr("CFDT"));
    assert_ne!(fr("Pessac"), fr("CGT"));
    // A path is a leading 1 and at most 15 splits.
    assert!(fr("Pessac") >> 15 <= 1);
    assert_eq!(clusters::cluster(Lang::Fr, "Xqzvwkj"), None);
}

#[test]
fn conll_reading_iob1_iob2_and_uner_columns() {
    let iob1 = "Ana I-PER\nSilva I-PER\nvisited O\nLeeds I-LOC\n. O\n\nok O\n";
    let docs = conll::parse(iob1);
    assert_eq!(docs.len(), 2);
    let render = |d: &conll::Document| {
        d.gold
            .iter()
            .map(|&(r, l)| format!("{}={}", &d.text[r], l.tag()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(render(&docs[0]), "Ana Silva=PER Leeds=LOC");
    let wnut = "Acme\tB-corporation\nphones\tI-product\nrock\tO\n";
    assert_eq!(render(&conll::parse(wnut)[0]), "Acme=ORG phones=MISC");
    let uner = "# newdoc id = x\n# text = hi Bo\n1\thi\tO\t-\t-\n2\tBo\tB-PER\t-\t-\n\n\
                # newdoc id = y\n1\tyes\tO\t-\t-\n";
    let docs = conll::parse(uner);
    assert_eq!(docs.len(), 2);
    assert_eq!(render(&docs[0]), "Bo=PER");
    assert!(!conll::is_dev(0, 9) && conll::is_dev(9, 9) && !conll::is_dev(10, 9));
    assert!(conll::is_dev(13, 3) && !conll::is_dev(13, 9));
}

#[test]
fn conll_lines_of_one_field_are_reported_and_skipped() {
    let input = "Ada\tB-PER\n \tO\nLovelace\n\nParis\tB-LOC\n";
    let (docs, problems) = conll::parse_reporting(input);
    assert_eq!(
        problems,
        [
            "line 2: one field only (a blank token, or a token without its tag)",
            "line 3: one field only (a blank token, or a token without its tag)"
        ]
    );
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, ["Ada", "Paris"]);
    assert!(conll::parse_reporting("Ada\tB-PER\n").1.is_empty());
}

#[test]
fn conll_twitter_handles_and_hashtags_are_named_without_their_sigil() {
    let render = |input: &str| {
        conll::parse(input)
            .iter()
            .map(|d| {
                d.gold
                    .iter()
                    .map(|&(r, l)| format!("{}={}", &d.text[r], l.tag()))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
    };
    // The Broad Twitter Corpus's readings of one handle, and WNUT-17's.
    let split_both = "@\tB-PER\nLinaK\tB-PER\nsays\tO\n";
    let split_name = "@\tO\nLinaK\tB-PER\nsays\tO\n";
    let whole = "@LinaK\tB-PER\nsays\tO\n";
    let whole_o = "@LinaK\tO\nsays\tO\n";
    let hashtag = "in\tO\n#Leeds\tB-LOC\ntoday\tO\n";
    let split_multi = "#\tB-ORG\nRed\tI-ORG\nCross\tI-ORG\n";
    for (input, expected) in [
        (split_both, "LinaK=PER"),
        (split_name, "LinaK=PER"),
        (whole, "LinaK=PER"),
        (whole_o, ""),
        (hashtag, "Leeds=LOC"),
        (split_multi, "Red Cross=ORG"),
    ] {
        assert_eq!(render(input), [expected], "{input:?}");
    }
}

#[test]
fn examples_split_documents_into_lines() {
    let ex = example("Titre sur [Lyon](LOC)\n\nPuis [Marc Duval](PER) parle.");
    let lines = examples(&ex.text, &ex.gold);
    assert_eq!(lines.len(), 2);
    assert_eq!(&lines[1].text[lines[1].gold[0].0], "Marc Duval");
}
