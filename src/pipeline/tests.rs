//! Fixture tests: the extractor's output rendered as marker lines under the text.

use expect_test::{Expect, expect};

use super::{Extractor, Label, Lang};

/// Renders each line of `text` followed by a marker line of carets and labels.
fn render(extractor: &Extractor, text: &str, lang: Lang) -> String {
    let mentions = extractor.extract(text, lang);
    let mut out = String::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let line_end = line_start + line.len();
        out.push_str(line.trim_end_matches('\n'));
        out.push('\n');
        let mut marks = String::new();
        for m in mentions.iter().filter(|m| {
            usize::from(m.range.start()) >= line_start && usize::from(m.range.start()) < line_end
        }) {
            let col = |byte: usize| text[line_start..byte].chars().count();
            let (start, end) = (col(m.range.start().into()), col(m.range.end().into()));
            let pad = start.saturating_sub(marks.chars().count());
            marks.push_str(&" ".repeat(pad));
            marks.push_str(&"^".repeat(end - start));
            marks.push(' ');
            marks.push_str(m.label.tag());
            if m.evidence != super::Evidence::Lexicon {
                marks.push_str(&format!("({:?})", m.evidence));
            }
            marks.push(' ');
        }
        if !marks.is_empty() {
            out.push_str(marks.trim_end());
            out.push('\n');
        }
        line_start = line_end;
    }
    out
}

fn check(text: &str, lang: Lang, expect: Expect) {
    expect.assert_eq(&render(shared_extractor(), text, lang));
}

#[test]
fn french_people_with_titles() {
    check(
        "Le président russe Vladimir Poutine a reçu Khalifa Haftar.\n",
        Lang::Fr,
        expect![[r#"
            Le président russe Vladimir Poutine a reçu Khalifa Haftar.
                               ^^^^^^^^^^^^^^^^ PER(Context) ^^^^^^^^^^^^^^ PER
        "#]],
    );
}

#[test]
fn french_elisions_and_sentence_starts() {
    check(
        "L’armée de l’Est tient Benghazi. Défense et Mais ne sont pas des noms.\nSelon Sergueï Lavrov, qu’Ankara soutient, l'Europe d’Haftar hésite.\n",
        Lang::Fr,
        expect![[r#"
            L’armée de l’Est tient Benghazi. Défense et Mais ne sont pas des noms.
                                   ^^^^^^^^ LOC
            Selon Sergueï Lavrov, qu’Ankara soutient, l'Europe d’Haftar hésite.
                  ^^^^^^^^^^^^^^ PER ^^^^^^ LOC         ^^^^^^ LOC ^^^^^^ LOC(Guess)
        "#]],
    );
}

#[test]
fn french_organisations() {
    check(
        "Le Conseil de sécurité des Nations unies et l’Union européenne ont saisi l’OTAN, le groupe pétrolier Norvalis et le ministère de l'Intérieur. Le ministre de la Défense Ivan Petrov est venu.\n",
        Lang::Fr,
        expect![[r#"
            Le Conseil de sécurité des Nations unies et l’Union européenne ont saisi l’OTAN, le groupe pétrolier Norvalis et le ministère de l'Intérieur. Le ministre de la Défense Ivan Petrov est venu.
               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ORG  ^^^^^^^^^^^^^^^^ ORG         ^^^^ ORG                  ^^^^^^^^ ORG(Context) ^^^^^^^^^^^^^^^^^^^^^^^^ ORG(Context)        ^^^^^^^^^^^ PER(Context)
        "#]],
    );
}

#[test]
fn french_places_and_hyphens() {
    check(
        "Il est né à Saint-Jean-Pied-de-Port, puis a vécu aux États-Unis, en RDC et près de Tripoli avec Yunus-Bek Ilyasov et Charles de Gaulle.\n",
        Lang::Fr,
        expect![[r#"
            Il est né à Saint-Jean-Pied-de-Port, puis a vécu aux États-Unis, en RDC et près de Tripoli avec Yunus-Bek Ilyasov et Charles de Gaulle.
                        ^^^^^^^^^^^^^^^^^^^^^^^ LOC(Guess)       ^^^^^^^^^^ LOC ^^^ LOC        ^^^^^^^ LOC  ^^^^^^^^^^^^^^^^^ PER(Guess) ^^^^^^^^^^^^^^^^^ PER
        "#]],
    );
}

#[test]
fn english_news_style() {
    check(
        "Russian President Vladimir Putin met Dmitry Peskov, the Kremlin spokesman, at the North Atlantic Treaty Organization (NATO) summit. Acme Widgets Inc. hired Karlsson, who said no.\n",
        Lang::En,
        expect![[r#"
            Russian President Vladimir Putin met Dmitry Peskov, the Kremlin spokesman, at the North Atlantic Treaty Organization (NATO) summit. Acme Widgets Inc. hired Karlsson, who said no.
            ^^^^^^^ MISC      ^^^^^^^^^^^^^^ PER(Context) ^^^^^^^^^^^^^ PER(Guess) ^^^^^^^ ORG ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ORG ^^^^ ORG       ^^^^^^^^^^^ ORG(Context) ^^^^^^^^ PER(Guess)
        "#]],
    );
}

#[test]
fn odd_inputs_never_panic() {
    let extractor = shared_extractor();
    let odd = [
        "",
        " ",
        "...!?«»",
        "😀 Émile 😀",
        "e\u{301}le\u{300}ve Cafe\u{301} Zoe\u{308}",
        "Paris\u{a0}et\u{202f}Lyon",
        "Le Monde\r\nLa Croix\r\n",
        "l’",
        "L'",
        "d’'’-",
        "-A-",
        "A",
        "ÉTATS-UNIS",
        "al-",
        "\u{feff}Zürich",
        "Mr. . M.",
    ];
    for text in odd {
        for lang in [Lang::Fr, Lang::En] {
            let mentions = extractor.extract(text, lang);
            assert_sound(text, &mentions);
        }
    }
}

fn assert_sound(text: &str, mentions: &[super::Mention]) {
    let mut last = 0;
    for m in mentions {
        let (start, end) = (usize::from(m.range.start()), usize::from(m.range.end()));
        assert!(
            start >= last && start < end && end <= text.len(),
            "{text:?}: {m:?}"
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{text:?}: {m:?}"
        );
        last = end;
    }
}

fn shared_extractor() -> &'static Extractor {
    static EXTRACTOR: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EXTRACTOR.get_or_init(Extractor::rules_only)
}

fn tagging_extractor() -> &'static Extractor {
    static EXTRACTOR: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    EXTRACTOR.get_or_init(Extractor::new)
}

/// The texts and labels the tagging extractor finds in `text` (candidates included).
fn tagged(text: &str, lang: Lang) -> Vec<(&str, Label)> {
    tagging_extractor()
        .extract(text, lang)
        .iter()
        .map(|m| (&text[m.range], m.label))
        .collect()
}

/// The labels the tagging extractor gives `name` in `text`.
fn labels_of(text: &str, lang: Lang, name: &str) -> Vec<Label> {
    tagged(text, lang)
        .into_iter()
        .filter(|(found, _)| *found == name)
        .map(|(_, label)| label)
        .collect()
}

proptest::proptest! {
    #[test]
    fn any_text_gives_sound_mentions(text in "[a-zA-ZÉé’'\\- .,«»\u{a0}\u{202f}\u{301}😀\r\n]{0,60}") {
        for lang in [Lang::Fr, Lang::En] {
            assert_sound(&text, &shared_extractor().extract(&text, lang));
        }
    }

    /// The tagger's features on what tweets and handles look like: sigils, underscores, digits,
    /// run-together capitals, letters whose case changes their length.
    #[test]
    fn the_tagger_gives_sound_mentions_on_any_text(
        text in "[a-zA-Z0-9_@#İıßǅ’'\\- .,😀\n]{0,50}"
    ) {
        for lang in [Lang::Fr, Lang::En] {
            assert_sound(&text, &tagging_extractor().extract(&text, lang));
        }
    }
}

#[test]
fn english_names_written_with_their_possessive_s() {
    // The lexicon has `McDonald's` and `Sainsbury's` whole; `Trump's` is a person's possessive.
    check(
        "Staff at McDonald's and Sainsbury’s met Trump's aides.\n",
        Lang::En,
        expect![[r#"
            Staff at McDonald's and Sainsbury’s met Trump's aides.
                     ^^^^^^^^^^ ORG ^^^^^^^^^^^ ORG ^^^^^ PER
        "#]],
    );
    // The tagger learnt from corpora that leave `'s` out (here it reads a place); the lexicon
    // puts the `'s` and the label back.
    let text = "Shares in Sainsbury's fell.";
    assert_eq!(tagged(text, Lang::En), [("Sainsbury's", Label::Org)]);
}

#[test]
fn a_known_place_after_a_preposition_of_place_is_the_place() {
    // `Paisley` is a town and a common word, nobody's name in the lexicons; the model, which
    // has met it as a first name in tweets, reads a person.
    let text = "The archive was moved to Paisley during the works.";
    assert_eq!(tagged(text, Lang::En), [("Paisley", Label::Loc)]);
}

#[test]
fn a_name_after_a_kind_of_craft_is_a_product() {
    for (text, lang, name) in [
        ("La sonde Cassini a survolé Saturne.", Lang::Fr, "Cassini"),
        ("NASA said the probe Juno was safe.", Lang::En, "Juno"),
    ] {
        assert_eq!(labels_of(text, lang, name), [Label::Misc], "{text}");
    }
}

#[test]
fn a_name_beside_a_kind_of_natural_place_is_that_place() {
    // The model read the first two as a company and a product.
    for (text, lang, name) in [
        (
            "The Amazon river basin lost forest again.",
            Lang::En,
            "Amazon",
        ),
        (
            "Lake Titicaca and the river Thames were low; the Danube river flooded.",
            Lang::En,
            "Danube",
        ),
        ("Le fleuve Sénégal a débordé.", Lang::Fr, "Sénégal"),
    ] {
        assert_eq!(labels_of(text, lang, name), [Label::Loc], "{text}");
    }
}

#[test]
fn a_storm_named_with_its_capitalised_kind_is_an_event() {
    // The model read a person in the first two and nothing in the third.
    for (text, name) in [
        (
            "Hurricane Milton made landfall near Sarasota on Wednesday.",
            "Hurricane Milton",
        ),
        (
            "Storm Babet brought floods to Scotland last week.",
            "Storm Babet",
        ),
        (
            "Residents fled as Cyclone Idai approached the coast.",
            "Cyclone Idai",
        ),
    ] {
        assert_eq!(labels_of(text, Lang::En, name), [Label::Misc], "{text}");
    }
}

#[test]
fn a_curated_name_of_several_words_keeps_its_label() {
    // The model read a place.
    let text = "Analysts at Morgan Stanley and Goldman Sachs said the plan could cost $12bn.";
    assert_eq!(labels_of(text, Lang::En, "Morgan Stanley"), [Label::Org]);
}

#[test]
fn a_guessed_word_joined_to_a_known_place_is_a_place() {
    // The model read a person in Roissy; Orly is a place the lexicons know.
    let text = "Grève des contrôleurs : Roissy et Orly tournent au ralenti.";
    assert_eq!(labels_of(text, Lang::Fr, "Roissy"), [Label::Loc]);
}

#[test]
fn a_form_of_address_is_no_part_of_the_name() {
    let found = tagged("Mr Smith met Mrs. Jones and Dr Patel on Monday.", Lang::En);
    let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["Smith", "Jones", "Patel"]);
    let found = tagged("M. Macron a reçu Mme Merkel et Mlle Dupont.", Lang::Fr);
    let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["Macron", "Merkel", "Dupont"]);
}

#[test]
fn a_dateline_in_capitals_is_a_place() {
    // The model read LIVERPOOL as an organisation (an acronym, by its shape).
    for (text, lang, name) in [
        (
            "LIVERPOOL — Dock workers walked out on Tuesday.",
            Lang::En,
            "LIVERPOOL",
        ),
        (
            "WASHINGTON (Reuters) - The Senate voted on Friday.",
            Lang::En,
            "WASHINGTON",
        ),
        ("NEW YORK — Shares fell sharply.", Lang::En, "NEW YORK"),
        (
            "PARIS, 3 mars (AFP) – Le gouvernement a annoncé un plan.",
            Lang::Fr,
            "PARIS",
        ),
    ] {
        assert_eq!(labels_of(text, lang, name), [Label::Loc], "{text}");
    }
    // Not places: an acronym that opens a paragraph before an aside (the lexicons know no
    // such place).
    for (text, name, label) in [
        (
            "NASA - the agency said - will launch in May.",
            "NASA",
            Label::Org,
        ),
        ("IBM — the company said — will cut jobs.", "IBM", Label::Org),
    ] {
        assert_eq!(labels_of(text, Lang::En, name), [label], "{text}");
    }
}

#[test]
fn the_place_in_a_based_or_born_adjective_is_a_place() {
    // The model took "Redmond-based" whole for an organisation.
    let text = "The Redmond-based company hired a London-born engineer.";
    let found = tagged(text, Lang::En);
    assert!(found.contains(&("Redmond", Label::Loc)), "{found:?}");
    assert!(
        found
            .iter()
            .all(|(name, _)| !name.ends_with("based") && !name.ends_with("born"))
    );
}

#[test]
fn a_name_after_a_kind_of_heavenly_body_is_a_place() {
    for (text, lang, name) in [
        (
            "L'astéroïde Bénou passera près de la Terre.",
            Lang::Fr,
            "Bénou",
        ),
        (
            "Scientists watched the comet Borisov closely.",
            Lang::En,
            "Borisov",
        ),
        // The tagger skips this one; the rules' candidate stands for its kind word.
        (
            "The moon Titan is larger than the planet Mercury.",
            Lang::En,
            "Titan",
        ),
    ] {
        assert_eq!(labels_of(text, lang, name), [Label::Loc], "{text}");
    }
}

#[test]
fn english_titles_days_and_demonyms() {
    check(
        "Mr. Johnson told Libyan officials on Thursday that Apple Inc. would open in Geneva.\n",
        Lang::En,
        expect![[r#"
            Mr. Johnson told Libyan officials on Thursday that Apple Inc. would open in Geneva.
                ^^^^^^^ PER(Context) ^^^^^^ MISC               ^^^^^^^^^ ORG(Context)   ^^^^^^ LOC
        "#]],
    );
}

#[test]
fn particles_and_verbs_at_sentence_start() {
    check(
        "Rappelons que Lotte van der Berg a battu Ana de la Cruz et Omar bin Salem.\n",
        Lang::Fr,
        expect![[r#"
            Rappelons que Lotte van der Berg a battu Ana de la Cruz et Omar bin Salem.
                          ^^^^^^^^^^^^^^^^^^ PER     ^^^^^^^^^^^^^^ PER ^^^^^^^^^^^^^^ PER
        "#]],
    );
}

#[test]
fn acronyms_and_capital_headlines() {
    check(
        "LA FRANCE ET LE MALI SIGNENT\nLe CNRS, la SNCF et l’ONU ont écrit aux USA et à la RDC.\n",
        Lang::Fr,
        expect![[r#"
            LA FRANCE ET LE MALI SIGNENT
               ^^^^^^ LOC   ^^^^ LOC
            Le CNRS, la SNCF et l’ONU ont écrit aux USA et à la RDC.
               ^^^^ ORG ^^^^ ORG  ^^^ ORG           ^^^ LOC     ^^^ LOC
        "#]],
    );
}

#[test]
fn a_common_word_right_after_a_kind_of_company_is_its_name() {
    // "Orange" is also a town and a colour; "Internet" after "site" stays a common word.
    check(
        "Le groupe Orange rachète le quotidien Libération.\nLe site Internet du parti Renaissance.\nUne jeune entreprise, Abysséo, fondée à Brest.\n",
        Lang::Fr,
        expect![[r#"
            Le groupe Orange rachète le quotidien Libération.
                      ^^^^^^ ORG(Context)         ^^^^^^^^^^ ORG
            Le site Internet du parti Renaissance.
                                      ^^^^^^^^^^^ ORG(Context)
            Une jeune entreprise, Abysséo, fondée à Brest.
                                  ^^^^^^^ ORG(Context) ^^^^^ LOC
        "#]],
    );
}

#[test]
fn a_day_of_the_week_alone_is_no_name() {
    check(
        "Hier, Louise Arnaud et Mardi, le maire de Lille, ont parlé.\n",
        Lang::Fr,
        expect![[r#"
            Hier, Louise Arnaud et Mardi, le maire de Lille, ont parlé.
                  ^^^^^^^^^^^^^ PER                   ^^^^^ LOC
        "#]],
    );
    // A name that is also a day stays a name.
    check(
        "On Friday, Friday Okafor met Sunday Adeyemi in Lagos.\n",
        Lang::En,
        expect![[r#"
            On Friday, Friday Okafor met Sunday Adeyemi in Lagos.
                       ^^^^^^^^^^^^^ PER(Guess) ^^^^^^^^^^^^^^ PER(Guess) ^^^^^ LOC
        "#]],
    );
}

#[test]
fn after_a_kind_of_company_and_joins_the_founders_names() {
    check(
        "The architecture firm Hardie and Lennox rebuilt it; Hardie and his partner left.\n",
        Lang::En,
        expect![[r#"
            The architecture firm Hardie and Lennox rebuilt it; Hardie and his partner left.
                                  ^^^^^^^^^^^^^^^^^ ORG(Context) ^^^^^^ PER(Guess)
        "#]],
    );
    check(
        "Le cabinet d'avocats Morel et Vidal, puis la société Durand et Fils.\n",
        Lang::Fr,
        expect![[r#"
            Le cabinet d'avocats Morel et Vidal, puis la société Durand et Fils.
                                 ^^^^^ PER ^^^^^ PER             ^^^^^^^^^^^^^^ ORG(Context)
        "#]],
    );
}

#[test]
fn a_storm_is_an_event_not_a_person() {
    check(
        "La tempête Egon a touché la Normandie, puis l’ouragan Matthew a frappé Haïti.\n",
        Lang::Fr,
        expect![[r#"
            La tempête Egon a touché la Normandie, puis l’ouragan Matthew a frappé Haïti.
                       ^^^^ MISC(Context) ^^^^^^^^^ LOC           ^^^^^^^ MISC(Context) ^^^^^ LOC
        "#]],
    );
}

/// The tagger rarely saw the adjective closing a French organisation's name; the text adds
/// it, but no participle (`soutenu`), present participle, function word or verb's present
/// (`sur`, `précise`).
#[test]
fn tagged_french_organisations_keep_their_adjectives() {
    let text = "Selon l’Autorité de sûreté nucléaire, le Parti socialiste européen hésite. La Banque centrale européenne sur la ligne, le Front républicain soutenu par tous. Le Parisien précise que l’Observatoire européen austral ferme.\n";
    expect![[r#"
        Selon l’Autorité de sûreté nucléaire, le Parti socialiste européen hésite. La Banque centrale européenne sur la ligne, le Front républicain soutenu par tous. Le Parisien précise que l’Observatoire européen austral ferme.
                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ORG ^^^^^^^^^^^^^^^^^^^^^^^^^ ORG        ^^^^^^^^^^^^^^^^^^^^^^^^^^ ORG              ^^^^^^^^^^^^^^^^^ ORG(Context)      ^^^^^^^^^^^ ORG           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ORG(Guess)
    "#]].assert_eq(&render(tagging_extractor(), text, Lang::Fr));
}

#[test]
fn french_lower_case_heads() {
    check(
        "L’affaire Morvandel agite la rue de Vaugirard et la gare de Montbrison. Il a parlé à la place de Solène Marquet, sur la place Bellecour, devant le comité Ardent.\n",
        Lang::Fr,
        expect![[r#"
            L’affaire Morvandel agite la rue de Vaugirard et la gare de Montbrison. Il a parlé à la place de Solène Marquet, sur la place Bellecour, devant le comité Ardent.
              ^^^^^^^^^^^^^^^^^ MISC(Context) ^^^^^^^^^^^^^^^^ LOC(Context) ^^^^^^^^^^^^^^^^^^ LOC(Context)  ^^^^^^^^^^^^^^ PER     ^^^^^^^^^^^^^^^ LOC(Context) ^^^^^^^^^^^^^ ORG(Context)
        "#]],
    );
}

#[test]
fn a_paragraph_longer_than_any_real_one_is_extracted_in_pieces() {
    // 300 KB on one line: the pieces are cut after sentences, so every sentence's names are
    // found as in a short paragraph, at their place in the whole.
    let sentence = "Le maire Jean Moreau a reçu Claire Dubois à Lyon. ";
    let text = sentence.repeat(300 * 1024 / sentence.len());
    let found = tagging_extractor().extract(&text, Lang::Fr);
    assert_sound(&text, &found);
    let alone = tagged(sentence, Lang::Fr);
    assert_eq!(alone.len(), 3, "{alone:?}");
    let count = text.len() / sentence.len();
    assert_eq!(found.len(), 3 * count);
    for (k, m) in found.iter().enumerate() {
        let (name, label) = alone[k % 3];
        assert_eq!((&text[m.range], m.label), (name, label), "mention {k}");
    }
}

#[test]
fn pieces_tile_the_text_and_end_after_sentences() {
    use super::{MAX_PIECE, piece_end};
    // Sentences, then a run without any, then one without white space, in two-byte letters.
    let text = format!(
        "{}{}{}",
        "Une phrase courte. ".repeat(MAX_PIECE / 6),
        "mots sans fin ".repeat(MAX_PIECE / 5),
        "é".repeat(MAX_PIECE * 2),
    );
    let mut start = 0;
    let mut ends = Vec::new();
    while start < text.len() {
        let end = piece_end(&text, start);
        assert!(end > start && text.is_char_boundary(end));
        assert!(end - start <= 2 * MAX_PIECE + 2 || end == text.len());
        ends.push(end);
        start = end;
    }
    assert_eq!(start, text.len());
    assert!(ends.len() >= 5, "{ends:?}");
    assert!(text[..ends[0]].ends_with(". "));
}

#[test]
fn names_that_each_fill_a_line_are_not_one_name() {
    // A list of places, a column of quoted names after their blanked markers; a name that
    // wraps in hard-wrapped prose stays whole.
    let list = "Paris\nLondres\nBerlin\n";
    let quotes = "     Paris\n     Londres\n";
    let wrapped = "Le chef de l'État, le président Emmanuel\nMacron, a reçu le chancelier.\n";
    expect![[r#"
        Paris
        ^^^^^ LOC
        Londres
        ^^^^^^^ LOC
        Berlin
        ^^^^^^ LOC
             Paris
             ^^^^^ LOC
             Londres
             ^^^^^^^ LOC
        Le chef de l'État, le président Emmanuel
                                        ^^^^^^^^^^^^^^^ PER(Guess)
        Macron, a reçu le chancelier.
    "#]]
    .assert_eq(
        &[list, quotes, wrapped]
            .map(|t| render(tagging_extractor(), t, Lang::Fr))
            .concat(),
    );
}

#[test]
fn a_run_of_names_longer_than_any_name_is_none() {
    // The model may cut the run where it likes; no mention is longer than any name.
    let text = "Paris ".repeat(30);
    let found = tagged(&text, Lang::Fr);
    assert!(
        found
            .iter()
            .all(|(m, _)| m.split_whitespace().count() <= super::MAX_WORDS),
        "{found:?}"
    );
    let one_mention = "Paris ".repeat(30).trim_end().to_owned();
    assert!(found.iter().all(|(m, _)| *m != one_mention));
}

#[test]
fn roads_after_the_words_that_make_them_roads() {
    // The rules alone, and the tagger whatever it read, give a road's number after "l'", "la",
    // "autoroute", "the", "on" as a place; an Airbus is no road.
    let text =
        "Bouchons sur l'A62 ce matin, puis sur la N113 et l’autoroute A7. L'A380 a atterri.\n";
    let roads = |extractor: &Extractor, lang: Lang| -> Vec<(String, Label)> {
        let mentions = extractor.extract(text, lang);
        // Sure enough to stand alone: no candidate for the document to confirm.
        assert!(
            mentions
                .iter()
                .all(|m| m.label != Label::Loc || m.evidence == super::Evidence::Context)
        );
        mentions
            .iter()
            .filter(|m| m.label == Label::Loc)
            .map(|m| (text[m.range].to_owned(), m.label))
            .collect()
    };
    let expected = [
        ("A62".to_owned(), Label::Loc),
        ("N113".to_owned(), Label::Loc),
        ("A7".to_owned(), Label::Loc),
    ];
    assert_eq!(roads(shared_extractor(), Lang::Fr), expected);
    assert_eq!(roads(tagging_extractor(), Lang::Fr), expected);
    let english = "The M25 was closed, and traffic on I-95 slowed near Route 9.\n";
    let found: Vec<(&str, Label)> = tagged(english, Lang::En);
    assert!(found.contains(&("M25", Label::Loc)), "{found:?}");
    assert!(found.contains(&("I-95", Label::Loc)), "{found:?}");
    assert!(found.contains(&("Route 9", Label::Loc)), "{found:?}");
}

#[test]
fn roads_named_by_a_road_word_and_a_number() {
    // The rules alone, and the tagger, whatever each read of the words: the road is the road
    // word, the words of its name before it and its number, a place; a name that runs on past
    // the number is left whole, and a road word needs its capital and its number.
    let text = "Crews closed State Route 2 near Millbrook, and Highway 101 north of the \
                bridge. The Route 9 Diner reopened. Take the route 9 bus or Chapter 11.\n";
    let expected = expect![[r#"
        State Route 2=LOC
        Highway 101=LOC
    "#]];
    for extractor in [shared_extractor(), tagging_extractor()] {
        let roads: String = extractor
            .extract(text, Lang::En)
            .iter()
            .filter(|m| text[m.range].contains(|c: char| c.is_ascii_digit()))
            .filter(|m| m.label == Label::Loc)
            .map(|m| format!("{}={}\n", &text[m.range], m.label.tag()))
            .collect();
        expected.assert_eq(&roads);
    }
}

/// The mentions of `text` as `text=LABEL`, through the default extractor (embedded models).
fn extracted(text: &str, lang: Lang) -> String {
    Extractor::new()
        .extract(text, lang)
        .iter()
        .map(|m| format!("{}={}", &text[m.range], m.label.tag()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn blanked_markdown_spaces_do_not_change_the_mentions() {
    // The analysis layer replaces Markdown syntax by spaces before extraction.
    let plain = "La présidente Hélène Vasseur a quitté Toulouse pour Bruxelles.";
    let blanked = "La présidente  Hélène Vasseur   a quitté  Toulouse  pour Bruxelles.";
    assert_eq!(extracted(plain, Lang::Fr), extracted(blanked, Lang::Fr));
    assert_eq!(
        extracted(plain, Lang::Fr),
        "Hélène Vasseur=PER Toulouse=LOC Bruxelles=LOC"
    );
}

#[test]
fn typographic_text_in_both_languages() {
    let fr = "« Nous partons », a déclaré l’ambassadeur Paul Ricœur à Genève.";
    assert_eq!(extracted(fr, Lang::Fr), "Paul Ricœur=PER Genève=LOC");
    let en = "Reporters in Denver heard Maria Lopez say that Boeing would hire.";
    assert_eq!(
        extracted(en, Lang::En),
        "Denver=LOC Maria Lopez=PER Boeing=ORG"
    );
    // A title before the name stays out of it.
    let en = "Senator Maria Lopez spoke.";
    assert_eq!(extracted(en, Lang::En), "Maria Lopez=PER");
}
