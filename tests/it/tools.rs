//! The data scripts in `tools/` run on tiny inputs written here: the lexicon build (with the
//! gazetteers' flags and populations) and the GUM converter. The full builds are documented
//! commands (README, `tools/*.py`); these check that the scripts still read what they promise.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `python3`, or `None` (with a note) on a machine without it.
fn python() -> Option<&'static str> {
    let found = Command::new("python3").arg("--version").output().is_ok();
    if !found {
        eprintln!("note: python3 not found; the tools/ scripts are not tested here");
    }
    found.then_some("python3")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(dir: &Path, rel: &str, body: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
}

/// A shared/lexicons tree with a handful of entries in every file the build reads.
fn tiny_lexicons(dir: &Path) {
    write(
        dir,
        "cldr/cldr_fr_en_names.json",
        r#"{"fr": {"territories": {"FR": "France"}, "exemplar_cities": {}, "languages": {},
             "subdivisions": {}},
            "en": {"territories": {"FR": "France"}, "exemplar_cities": {},
             "languages": {"fr": "French"}, "subdivisions": {}}}"#,
    );
    for lang in ["fr", "en"] {
        write(
            dir,
            &format!("countries/i18n-iso-countries_{lang}.json"),
            r#"{"locale": "x", "countries": {"FR": "France"}}"#,
        );
    }
    write(
        dir,
        "geonames/continents.json",
        r#"{"EU": {"name": "Europe", "alternateNames": []}}"#,
    );
    write(
        dir,
        "geonames/cities15000.json",
        r#"{"1": {"name": "Bordeaux", "population": 260000, "alternatenames": []}}"#,
    );
    write(
        dir,
        "geonames/us_states.json",
        r#"{"VT": {"code": "VT", "name": "Vermont"}}"#,
    );
    write(
        dir,
        "geonames/cities500_latin.tsv",
        "#geonameid\tname\tcountry_code\tadmin1_code\tpopulation\tlatitude\tlongitude\ttimezone\talternate_names_latin\n\
         1\tBordeaux\tFR\t75\t260000\t0\t0\tEurope/Paris\tBurdeos|BOD\n\
         2\tVillefranche-de-Conflent\tFR\t76\t220\t0\t0\tEurope/Paris\t\n\
         3\tOrange\tFR\t93\t28000\t0\t0\tEurope/Paris\tArausio\n\
         4\tSpringdale\tUS\tAR\t90000\t0\t0\tAmerica/Chicago\tSpringdale Town\n",
    );
    write(dir, "names/fr_first_names_dicollecte_MPL2.txt", "Élodie\n");
    write(dir, "names/en_male_first_names_moby_PD.txt", "John\n");
    write(dir, "names/en_female_first_names_moby_PD.txt", "Mary\n");
    write(dir, "names/fr_surnames_dicollecte_MPL2.txt", "Marchal\n");
    write(
        dir,
        "names/faker_names_MIT.json",
        r#"{"fr_FR": {"first_names": ["Adrien"], "last_names": ["Roux"]}}"#,
    );
    write(
        dir,
        "names/cleanco_company_suffixes_MIT.json",
        r#"{"by_type": {"Corporation": ["inc", "sarl"]}, "by_country": {}}"#,
    );
    write(dir, "wordlists-en/american-english", "orange\nFrench\n");
    write(dir, "wordlists-en/british-english", "colour\n");
    write(
        dir,
        "hunspell-fr/fr.dic",
        "3\norange/S po:nom\nrouge/S po:adj\nÉlodie po:prn\n",
    );
    write(
        dir,
        "insee/communes.json",
        r#"[{"nom": "Castelnau-Magnoac", "population": 820},
            {"nom": "Orange", "population": 28000},
            {"nom": "Le Havre", "population": 165000}]"#,
    );
    write(
        dir,
        "insee/arrondissements.json",
        r#"[{"nom": "Bagnères-de-Bigorre"}]"#,
    );
    write(
        dir,
        "insee/departements.json",
        r#"[{"nom": "Hautes-Pyrénées"}, {"nom": "Lot-et-Garonne"}]"#,
    );
    write(dir, "insee/regions.json", r#"[{"nom": "Occitanie"}]"#);
    write(
        dir,
        "insee/epci.json",
        r#"[{"nom": "CC du Pays de Trie et du Magnoac", "membres": []}]"#,
    );
    write(dir, "insee/ept.json", r#"[{"nom": "Plaine Commune"}]"#);
    write(
        dir,
        "media-fr/medias.tsv",
        "Nom\tType\n20 Minutes\tSite\nLa Dépêche du Midi\tPresse\n",
    );
    write(
        dir,
        "media-fr/organisations.tsv",
        "nom\tcommentaire\nGroupe Dépêche\t\n",
    );
}

/// Bit numbers of `Flags` (src/extract/lexicon.rs).
const PLACE: u32 = 1 << 1;
const GAZ_COMMUNE: u32 = 1 << 15;
const GAZ_ADMIN: u32 = 1 << 16;
const GAZ_PLACE: u32 = 1 << 17;
const POP_SMALL: u32 = 1 << 18;
const POP_LARGE: u32 = 1 << 19;
const GAZ_ORG: u32 = 1 << 20;
const PHRASE_START: u32 = 1 << 13;

#[test]
fn the_lexicon_build_reads_the_gazetteers() {
    let Some(python) = python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (shared, out) = (tmp.path().join("lexicons"), tmp.path().join("out"));
    tiny_lexicons(&shared);
    std::fs::create_dir_all(&out).unwrap();
    let status = Command::new(python)
        .arg(root().join("tools/build-lexicons.py"))
        .args([&shared, &out])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let text = std::fs::read_to_string(out.join("lexicon.txt")).unwrap();
    let flags = |key: &str| -> u32 {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('\t'))
            .map(|hex| u32::from_str_radix(hex, 16).unwrap())
            .unwrap_or(0)
    };
    let small_commune = flags("castelnau-magnoac");
    assert_eq!(
        small_commune & (GAZ_COMMUNE | POP_SMALL),
        GAZ_COMMUNE | POP_SMALL
    );
    let village = flags("villefranche-de-conflent");
    assert_eq!(
        village & (GAZ_COMMUNE | GAZ_PLACE | POP_SMALL | POP_LARGE),
        GAZ_COMMUNE | GAZ_PLACE | POP_SMALL
    );
    // A commune that is also a word keeps both flags: the tagger weighs them.
    assert_eq!(
        flags("orange") & (GAZ_COMMUNE | POP_LARGE),
        GAZ_COMMUNE | POP_LARGE
    );
    assert_ne!(flags("orange") & (1 << 6), 0, "orange is a French word too");
    assert_ne!(flags("lot-et-garonne") & GAZ_ADMIN, 0);
    assert_ne!(flags("occitanie") & GAZ_ADMIN, 0);
    assert_ne!(flags("vermont") & GAZ_ADMIN, 0);
    assert_ne!(flags("bagnères-de-bigorre") & GAZ_COMMUNE, 0);
    assert_ne!(flags("plaine commune") & GAZ_ORG, 0);
    assert_ne!(flags("la dépêche du midi") & GAZ_ORG, 0);
    assert_ne!(flags("20 minutes") & GAZ_ORG, 0);
    assert_ne!(flags("le havre") & GAZ_COMMUNE, 0);
    assert_ne!(flags("le") & PHRASE_START, 0);
    // Alternate names of places of 1,000 or more; codes in capitals are left out.
    assert_ne!(flags("burdeos") & GAZ_PLACE, 0);
    assert_eq!(flags("bod"), 0);
    assert_ne!(flags("springdale town") & GAZ_PLACE, 0);
    assert_eq!(flags("springdale") & GAZ_COMMUNE, 0, "not in France");
    assert_ne!(flags("bordeaux") & PLACE, 0);
    // The hash index has a slot for every key, a power of two of them.
    let slots = std::fs::metadata(out.join("lexicon.idx")).unwrap().len() / 4;
    assert!(slots.is_power_of_two() && slots as usize >= text.lines().count());
    // The same input gives the same bytes.
    let again = tmp.path().join("again");
    std::fs::create_dir_all(&again).unwrap();
    let status = Command::new(python)
        .arg(root().join("tools/build-lexicons.py"))
        .args([&shared, &again])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read(out.join("lexicon.idx")).unwrap(),
        std::fs::read(again.join("lexicon.idx")).unwrap()
    );
    assert_eq!(
        text,
        std::fs::read_to_string(again.join("lexicon.txt")).unwrap()
    );
}

/// One GUM-style sentence: "Dr Ana Lopes of the Lisbon Institute visited Porto ." with a
/// person nested around an organisation, a place, and a common-noun mention ("the visit").
const GUM: &str = "# newdoc id = GUM_news_tiny
# global.Entity = GRP-etype-infstat-salience-centering-minspan-link-identity
# meta::summary1 = not corpus text
# sent_id = GUM_news_tiny-1
# text = Dr Ana Lopes of the Lisbon Institute visited Porto .
1\tDr\tDr\tPROPN\tNNP\t_\t3\tcompound\t_\tEntity=(1-person-new-s-cf1-1-sgl-Ana_Lopes
2\tAna\tAna\tPROPN\tNNP\t_\t3\tflat\t_\t_
3\tLopes\tLopes\tPROPN\tNNP\t_\t8\tnsubj\t_\t_
4\tof\tof\tADP\tIN\t_\t7\tcase\t_\t_
5\tthe\tthe\tDET\tDT\t_\t7\tdet\t_\tEntity=(2-organization-new-s-cf2-3-sgl
6\tLisbon\tLisbon\tPROPN\tNNP\t_\t7\tcompound\t_\tEntity=(3-place-new-s-cf3-1-sgl-Lisbon)
7\tInstitute\tInstitute\tPROPN\tNNP\t_\t3\tnmod\t_\tEntity=2)1)
8\tvisited\tvisit\tVERB\tVBD\t_\t0\troot\t_\t_
9\tPorto\tPorto\tPROPN\tNNP\t_\t8\tobj\t_\tEntity=(4-place-new-s-cf4-1-sgl-Porto)
10\t.\t.\tPUNCT\t.\t_\t8\tpunct\t_\t_

";

#[test]
fn gum_mentions_become_flat_names() {
    let Some(python) = python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "GUM_news_tiny.conllu", GUM);
    let out = Command::new(python)
        .arg(root().join("tools/gum-to-iob2.py"))
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tags: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.contains('\t'))
        .map(|l| l.replace('\t', "="))
        .collect();
    // The person stops before the nested organisation; "the" stays out of the organisation,
    // whose place inside it is not a name of its own in flat NER.
    assert_eq!(
        tags.join(" "),
        "Dr=B-PER Ana=I-PER Lopes=I-PER of=O the=O Lisbon=B-ORG Institute=I-ORG visited=O \
         Porto=B-LOC .=O"
    );
}
