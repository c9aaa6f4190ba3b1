//! Analysis tests: fixtures with `$0` cursors and `^^^ LABEL` marker lines, and the property
//! that incremental analysis always equals analysis from scratch.

use expect_test::{Expect, expect};
use proptest::prelude::*;

use super::*;
use crate::text::Edit;

fn extractor() -> &'static Extractor {
    static EXTRACTOR: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EXTRACTOR.get_or_init(Extractor::new)
}

/// Renders mentions as marker lines under the text they cover.
fn render_marked(text: &str, mentions: &[Mention]) -> String {
    let mut out = String::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        out.push_str(line.trim_end_matches(['\n', '\r']));
        out.push('\n');
        let line_end = line_start + line.len();
        // Marks go on one line while they fit, and on further lines when a label is in the way.
        let mut rows: Vec<String> = Vec::new();
        for m in mentions.iter().filter(|m| {
            usize::from(m.range.start()) >= line_start && usize::from(m.range.start()) < line_end
        }) {
            let start = usize::from(m.range.start());
            let end = usize::from(m.range.end()).min(line_end);
            let col = text[line_start..start].chars().count();
            let width = text[start..end].chars().count().max(1);
            let mark = format!("{}{} {}", " ", "^".repeat(width), m.label.tag());
            let row = match rows.iter_mut().find(|r| r.chars().count() < col) {
                Some(row) => row,
                None => {
                    rows.push(String::new());
                    rows.last_mut().unwrap()
                }
            };
            let pad = col - row.chars().count();
            row.push_str(&" ".repeat(pad));
            row.push_str(&mark[1..]);
        }
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
        line_start = line_end;
    }
    out
}

fn check(text: &str, format: Format, expect: Expect) {
    let entities = extract_document(
        extractor(),
        text,
        &DocOptions {
            format,
            language: None,
        },
    );
    expect.assert_eq(&render_marked(text, &entities.mentions));
}

/// Hovers at the `$0` cursor.
fn check_hover(fixture: &str, expect: Expect) {
    let offset = fixture.find("$0").expect("fixture has a $0 cursor");
    let text = fixture.replace("$0", "");
    let t = Text::new(&text);
    let analysis = analyze(extractor(), &t, &DocOptions::default());
    let got = analysis
        .hover(&t, TextSize::new(offset as u32))
        .map(|h| h.render(Markup::PlainText));
    expect.assert_eq(&got.unwrap_or_else(|| "no hover".into()));
}

#[test]
fn markdown_code_and_links_are_not_prose() {
    check(
        "# Rencontre à Moscou\n\nLe président `Poutine` a reçu [le maréchal Haftar](https://exemple.fr/Tripoli).\n\n```\nTripoli Derna\n```\n",
        Format::Markdown,
        expect![[r#"
            # Rencontre à Moscou
                          ^^^^^^ LOC

            Le président `Poutine` a reçu [le maréchal Haftar](https://exemple.fr/Tripoli).
                                                       ^^^^^^ PER

            ```
            Tripoli Derna
            ```
        "#]],
    );
}

#[test]
fn hover_shows_the_fullest_form_and_the_others() {
    check_hover(
        "Le maréchal Khalifa Haftar est arrivé.\n\nPlus tard, le camp d’Haf$0tar a confirmé.\n",
        expect![[r#"
            Khalifa Haftar — person
            Role: maréchal (line 1)
            Also written: Haftar
            2 mentions, first on line 1"#]],
    );
}

/// Applies random edits one batch at a time to an incremental analysis and checks, after each
/// batch, that it equals an analysis of the same text from scratch.
fn check_incremental(initial: &str, batches: &[Vec<(f64, f64, String)>], format: Format) {
    let options = DocOptions {
        format,
        language: None,
    };
    let mut text = Text::new(initial);
    let mut model = initial.to_string();
    let mut analysis = analyze(extractor(), &text, &options);
    for batch in batches {
        let mut edits = Vec::new();
        for (a, b, insert) in batch {
            let start = char_boundary(&model, *a);
            let end = char_boundary(&model, *b).max(start);
            model.replace_range(start..end, insert);
            let edit = Edit {
                range: TextRange::new((start as u32).into(), (end as u32).into()),
                insert: insert.clone(),
            };
            text.apply(&edit);
            edits.push(edit);
        }
        let mut work = analysis.plan(&edits, &text);
        while analysis.install(work.run(extractor())) {
            work = analysis.plan(&[], &text);
        }
        assert!(analysis.is_ready());
        assert_eq!(text.to_string(), model);
        let scratch = analyze(extractor(), &text, &options);
        assert_eq!(analysis.language(), scratch.language());
        assert_eq!(
            analysis.resolved_mentions(),
            scratch.resolved_mentions(),
            "text: {model:?}"
        );
    }
}

fn char_boundary(s: &str, fraction: f64) -> usize {
    let mut i = ((s.len() as f64) * fraction) as usize;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn piece() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "Khalifa Haftar",
        "Haftar",
        " ",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "é",
        "😀",
        "’",
        "l’Est ",
        ". ",
        "Moscou",
        "```\n",
        "---\n",
        "Le président Vladimir Poutine a parlé. ",
        "The Kremlin said. ",
        "x",
        "e\u{301}",
        "« ",
        " »",
        ", porte-parole du Kremlin, ",
        "l’Organisation des Nations unies (ONU) ",
        "Russian President ",
        "Dmitry Peskov, the Kremlin spokesman, ",
        "~~~\n",
        "    code\n",
        "> ",
        "- ",
        "<!-- ",
        " -->",
        "[",
        "](https://x.org/a)",
        "# ",
        "`",
        "<b>",
        "</b>",
        "Paris\nLondres\n",
        "Hurricane Milton ",
        "(INPE) ",
        "the moon Titan ",
        "Redmond-based ",
        "+++\n",
    ])
    .prop_map(str::to_string)
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

fn edit_strategy() -> impl Strategy<Value = (f64, f64, String)> {
    (
        0.0..=1.0f64,
        0.0..=0.3f64,
        prop::collection::vec(piece(), 0..4),
    )
        .prop_map(|(a, len, ins)| (a, (a + len).min(1.0), ins.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn incremental_equals_from_scratch(
        initial in text_strategy(),
        batches in prop::collection::vec(prop::collection::vec(edit_strategy(), 1..4), 1..6),
        markdown in any::<bool>(),
    ) {
        let format = if markdown { Format::Markdown } else { Format::Plain };
        check_incremental(&initial, &batches, format);
    }
}

#[test]
fn an_edit_across_blocks_equals_from_scratch() {
    let initial = "Le président Vladimir Poutine a reçu Khalifa Haftar.\n\nHaftar est reparti.\n\n```\nMoscou\n```\n";
    check_incremental(
        initial,
        &[
            vec![(0.5, 0.8, "\n\nLe Kremlin".into())],
            vec![(0.0, 0.0, "```\n".into())],
        ],
        Format::Markdown,
    );
}

#[test]
fn typing_and_erasing_at_random_places_matches_from_scratch() {
    let base = "Le président Emmanuel Macron a reçu mardi à Paris la chancelière Angela Merkel. Dans un communiqué, le Kremlin a dénoncé une ingérence 😀 inacceptable. Selon l’agence Reuters, les discussions ont porté sur l’Ukraine.\n\n";
    let source = base.repeat(50);
    let mut text = Text::new(&source);
    let mut analysis = analyze(extractor(), &text, &DocOptions::default());
    let mut state: u64 = 7;
    let mut typed = None;
    for k in 0..400 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let edit = match typed.take() {
            None => {
                let at = text.clamp(TextSize::new(
                    ((state >> 33) % u64::from(u32::from(text.len()))) as u32,
                ));
                typed = Some(at);
                Edit {
                    range: TextRange::empty(at),
                    insert: "é".into(),
                }
            }
            Some(at) => Edit {
                range: TextRange::at(at, TextSize::of("é")),
                insert: String::new(),
            },
        };
        let before = text.to_string();
        text.apply(&edit);
        let batch = analysis.plan(std::slice::from_ref(&edit), &text);
        analysis.install(batch.run(extractor()));
        let scratch = analyze(extractor(), &text, &DocOptions::default());
        assert_eq!(
            analysis.resolved_mentions(),
            scratch.resolved_mentions(),
            "edit {k} {edit:?} on {:?}",
            &before[usize::from(edit.range.start()).saturating_sub(10)..]
        );
    }
}

#[test]
fn hover_shows_the_roles_the_text_gives() {
    check_hover(
        "Le porte-parole du Kremlin, Dmitri Peskov, a parlé.\n\nPlus tard, Pes$0kov a précisé sa pensée.\n",
        expect![[r#"
            Dmitri Peskov — person
            Role: porte-parole du Kremlin (line 1)
            Also written: Peskov
            2 mentions, first on line 1"#]],
    );
}

#[test]
fn an_acronym_is_one_entity_with_its_expansion() {
    check_hover(
        "Le rapport de l’Organisation des Nations unies (ONU) est paru.\n\nL’O$0NU demande une trêve.\n",
        expect![[r#"
            Organisation des Nations unies — organisation
            Organisation des Nations unies : organisation internationale de 193 États membres, siège à New York.
            Also written: ONU
            3 mentions, first on line 1
            https://www.wikidata.org/wiki/Q1065"#]],
    );
}

#[test]
fn an_english_document_names_knowledge_base_entries_in_english() {
    // The embedded entry is "Organisation mondiale de la santé"; an English text is told about
    // the World Health Organization.
    check_hover(
        "Officials of the World Health Organization met on Monday.\n\nThe W$0HO said the outbreak was over.\n",
        expect![[r#"
            World Health Organization — organisation
            World Health Organization: UN agency for public health, headquartered in Geneva.
            Also written: WHO
            2 mentions, first on line 1
            https://www.wikidata.org/wiki/Q7817"#]],
    );
    let text = Text::new(
        "Ministers met in Brussels on Monday with officials of the European Commission.\n",
    );
    let analysis = analyze(extractor(), &text, &DocOptions::default());
    let messages: Vec<String> = analysis
        .diagnostics(&DiagnosticsConfig::default())
        .into_iter()
        .map(|d| d.message)
        .collect();
    assert_eq!(
        messages,
        ["Brussels — place", "European Commission — organisation"]
    );
    let symbols: Vec<(String, String)> = analysis
        .symbols()
        .into_iter()
        .map(|s| (s.name, s.shown))
        .collect();
    assert_eq!(
        symbols,
        [
            ("Bruxelles".to_string(), "Brussels".to_string()),
            (
                "Commission européenne".to_string(),
                "European Commission".to_string()
            )
        ]
    );
}

#[test]
fn names_the_knowledge_base_knows_are_marked_once_it_knows_them() {
    // FIXME: the English model reads a capitalised plural opening a sentence ("Dockers voted")
    // as a person since it learnt from GUM and UNER EWT; this test is about the knowledge base,
    // so its sentence starts otherwise.
    let text = Text::new(
        "The dockers voted to strike at the terminal run by zorbex holdings, a union official said.\n\nThe talks resume on Friday.\n",
    );
    let names = |analysis: &DocumentAnalysis| -> Vec<String> {
        analysis
            .resolved()
            .map(|m| format!("{} {}", text.slice(m.range), m.label.tag()))
            .collect()
    };
    let mut analysis = DocumentAnalysis::new(DocOptions::default());
    let work = analysis.plan(&[], &text);
    analysis.install(work.run(extractor()));
    assert!(analysis.is_ready());
    assert_eq!(names(&analysis), Vec::<String>::new());

    let file = crate::kb::parse_toml(
        "[[entity]]\nname = \"Zorbex Holdings\"\nkind = \"organisation\"\naliases = [\"zorbex holdings\"]\n",
    )
    .unwrap();
    let knowledge = std::sync::Arc::new(crate::kb::KnowledgeBase::from_file(file));
    // A new knowledge base: every block is extracted again.
    analysis.set_knowledge(knowledge.clone());
    assert!(!analysis.is_ready());
    let work = analysis.plan(&[], &text);
    analysis.install(work.run(extractor()));
    assert!(analysis.is_ready());
    assert_eq!(names(&analysis), ["zorbex holdings ORG"]);
    // The same knowledge base again changes nothing.
    analysis.set_knowledge(knowledge.clone());
    assert!(analysis.is_ready());

    // Results found with the old knowledge base are not installed after the change.
    let mut analysis = DocumentAnalysis::new(DocOptions::default());
    let stale = analysis.plan(&[], &text);
    analysis.set_knowledge(knowledge);
    analysis.install(stale.run(extractor()));
    assert!(!analysis.is_ready());
    let work = analysis.plan(&[], &text);
    analysis.install(work.run(extractor()));
    assert_eq!(names(&analysis), ["zorbex holdings ORG"]);
}

#[test]
fn a_name_after_a_french_preposition_does_not_make_a_person_a_place() {
    // "à Kovalczyk" reads like "à Genève"; the rest of the document says who it is.
    check(
        "L'ailier polonais Kovalczyk signe au club. Kovalczyk a marqué hier.\n\nLe club a écrit à Kovalczyk.\n",
        Format::Plain,
        expect![[r#"
            L'ailier polonais Kovalczyk signe au club. Kovalczyk a marqué hier.
                              ^^^^^^^^^ PER            ^^^^^^^^^ PER

            Le club a écrit à Kovalczyk.
                              ^^^^^^^^^ PER
        "#]],
    );
}

#[test]
fn a_common_noun_opening_a_title_is_not_the_place_spelt_alike() {
    check(
        "# Réunion à Genève\n\nLes ministres se retrouvent à Genève. Panama a signé.\n\nRéunion des élus de La Réunion à Paris.\n",
        Format::Markdown,
        expect![[r#"
            # Réunion à Genève
                        ^^^^^^ LOC

            Les ministres se retrouvent à Genève. Panama a signé.
                                          ^^^^^^ LOC
                                                  ^^^^^^ LOC

            Réunion des élus de La Réunion à Paris.
                                ^^^^^^^^^^ LOC
                                             ^^^^^ LOC
        "#]],
    );
}

#[test]
fn a_preposition_opening_a_sentence_is_not_part_of_the_name() {
    // The French model once tagged "Selon Merkel" whole here (the Neovim test's article).
    check(
        "La chancelière Angela Merkel a reçu l’économiste Thomas Piketty à Berlin.\n\nSelon Merkel, l’accord est « historique ». Piketty n’a pas commenté.\n",
        Format::Plain,
        expect![[r#"
            La chancelière Angela Merkel a reçu l’économiste Thomas Piketty à Berlin.
                           ^^^^^^^^^^^^^ PER                 ^^^^^^^^^^^^^^ PER
                                                                              ^^^^^^ LOC

            Selon Merkel, l’accord est « historique ». Piketty n’a pas commenté.
                  ^^^^^^ PER                           ^^^^^^^ PER
        "#]],
    );
}

#[test]
fn an_acronym_in_parentheses_after_an_organisation_is_its_other_form() {
    // The letters come from another language's name; the acronym is still that body. (The English
    // model with runs of capitalised words reads "Brazil's National Institute for Space
    // Research (INPE)" as "National Institute" alone: this text is another body.)
    check_hover(
        "Mexico's National Institute for Ocean Studies (INEO) published the figures.\n\nOn Friday the IN$0EO revised them.\n",
        expect![[r#"
            National Institute for Ocean Studies — organisation
            Also written: INEO
            3 mentions, first on line 1"#]],
    );
}

#[test]
fn words_in_parentheses_after_a_name_are_not_always_its_acronym() {
    // A tag in capitals after an organisation is no acronym of it; a party after a person is
    // the party, not the person. (FIXME: the English model trained with GUM and UNER EWT no
    // longer finds "Northwind Holdings" without its "Inc.".)
    check(
        "Interview with the board of Northwind Holdings Inc. (VIDEO) today.\n\nLe député Jean Dupont (LR) a voté contre.\n",
        Format::Plain,
        expect![[r#"
            Interview with the board of Northwind Holdings Inc. (VIDEO) today.
                                        ^^^^^^^^^^^^^^^^^^^^^^^ ORG

            Le député Jean Dupont (LR) a voté contre.
                      ^^^^^^^^^^^ PER
                                   ^^ ORG
        "#]],
    );
}

#[test]
fn a_document_of_short_blocks_goes_by_what_they_lean_to() {
    // No block is long enough to be sure of; what their function words say decides, and a
    // block that is sure of its language outweighs any number that lean.
    let language = |text: &str| {
        let options = DocOptions {
            format: Format::Plain,
            language: None,
        };
        analyze(extractor(), &Text::new(text), &options).language()
    };
    assert_eq!(
        language("Storm hits the coast\n\nThe mayor of Brest speaks\n"),
        Lang::En
    );
    assert_eq!(
        language("La tempête frappe la côte\n\nLe maire parle\n"),
        Lang::Fr
    );
    assert_eq!(language("Brest\n\nQuimper\n"), Lang::Fr);
    assert_eq!(
        language(
            "The storm and the wind\n\nLe maire de Brest a parlé aux habitants de la ville ce matin.\n"
        ),
        Lang::Fr
    );
}

#[test]
fn a_cancelled_batch_installs_what_it_did_and_the_rest_is_planned_again() {
    let text = Text::new(
        "Le ministre est arrivé à Lyon.\n\nIl a ensuite visité Marseille.\n\nPuis il est rentré à Toulouse.\n",
    );
    let places = |analysis: &DocumentAnalysis| -> Vec<String> {
        analysis
            .resolved()
            .map(|m| text.slice(m.range).into_owned())
            .collect()
    };
    let mut analysis = DocumentAnalysis::new(DocOptions::default());
    let work = analysis.plan(&[], &text);
    // Cancelled from the start, it still does its first block (a third of its bytes, over the
    // eighth it must do to advance), and stops before the second.
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = asked.clone();
    let cancel = Cancel::new(move || count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 9);
    analysis.install(work.run_until(extractor(), &cancel));
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(!analysis.is_ready());
    assert_eq!(places(&analysis), ["Lyon"]);
    let rest = analysis.plan(&[], &text);
    analysis.install(rest.run(extractor()));
    assert!(analysis.is_ready());
    assert_eq!(places(&analysis), ["Lyon", "Marseille", "Toulouse"]);

    // A batch cut short by every keystroke still advances: an eighth of it at least.
    let twenty = Text::new(&"Le ministre a visité Lyon.\n\n".repeat(20));
    let mut analysis_of_twenty = DocumentAnalysis::new(DocOptions::default());
    let work = analysis_of_twenty.plan(&[], &twenty);
    analysis_of_twenty.install(work.run_until(extractor(), &Cancel::new(|| true)));
    assert_eq!(analysis_of_twenty.resolved().count(), 3);

    // A snapshot whose work is cancelled stops its passes over the blocks.
    let stopped = analysis.snapshot(Cancel::new(|| true));
    assert_eq!(stopped.resolved_mentions(), Vec::new());
    let snapshot = analysis.snapshot(Cancel::never());
    assert_eq!(snapshot.resolved_mentions(), analysis.resolved_mentions());
}

#[test]
fn a_name_found_in_one_paragraph_is_marked_where_extraction_missed_it() {
    // Extraction misses "Rice" opening the second paragraph (a dictionary word), and the
    // document names it surely in the first: it is marked there with the first one's kind.
    let text = "Secretary Condoleezza Rice arrived in Cairo.\n\nRice met the minister.\n";
    let analysis = analyze(extractor(), &Text::new(text), &DocOptions::default());
    let second = analysis
        .block_results()
        .nth(1)
        .map(|(_, b)| b.mentions.len());
    assert_eq!(second, Some(0), "extraction itself misses it");
    check(
        text,
        Format::Plain,
        expect![[r#"
            Secretary Condoleezza Rice arrived in Cairo.
                      ^^^^^^^^^^^^^^^^ PER        ^^^^^ LOC

            Rice met the minister.
            ^^^^ PER
        "#]],
    );
    // The hover counts it, as it counts every mark the editor shows.
    check_hover(
        "Secretary Condoleezza Rice arrived in Cairo.\n\nR$0ice met the minister.\n",
        expect![[r#"
            Condoleezza Rice — person
            Role: Secretary (line 1)
            Also written: Rice
            2 mentions, first on line 1"#]],
    );
    // A name the document never names surely elsewhere stays unmarked.
    check(
        "Secretary Condoleezza Jones arrived in Cairo.\n\nRice met the minister.\n",
        Format::Plain,
        expect![[r#"
            Secretary Condoleezza Jones arrived in Cairo.
                      ^^^^^^^^^^^^^^^^^ PER        ^^^^^ LOC

            Rice met the minister.
        "#]],
    );
}

#[test]
fn a_mention_takes_the_words_of_a_fuller_name_the_document_gives() {
    let text = "Le maire de Quimperlé, Yannick Le Goarnic, a inauguré la médiathèque.\n\nQuimperlé fête ses cent ans. Le Goarnic sourit.\n";
    // Extraction takes "Le" for an article; the document gives the name "Le Goarnic".
    let analysis = analyze(extractor(), &Text::new(text), &DocOptions::default());
    let second: Option<Vec<String>> = analysis
        .block_results()
        .nth(1)
        .map(|(_, b)| b.mentions.iter().map(|m| m.form.to_string()).collect());
    assert_eq!(second, Some(vec!["Quimperlé".into(), "Goarnic".into()]));
    check(
        text,
        Format::Plain,
        expect![[r#"
            Le maire de Quimperlé, Yannick Le Goarnic, a inauguré la médiathèque.
                        ^^^^^^^^^ LOC
                                   ^^^^^^^^^^^^^^^^^^ PER

            Quimperlé fête ses cent ans. Le Goarnic sourit.
            ^^^^^^^^^ LOC                ^^^^^^^^^^ PER
        "#]],
    );
}
