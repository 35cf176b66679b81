//! ISO 639-1 language codes (all two-letter codes in force), for a practice's original language
//! and the keys of its translations.

use super::vocabulary;

vocabulary! {
    /// A language, written as its lowercase ISO 639-1 code (`"it"`); also usable as a JSON map
    /// key, which is how translations are keyed.
    pub enum Language ("ISO 639-1 language code") {
        Aa = "aa" => "Afar", "Afar";
        Ab = "ab" => "Abkhazian", "Abcaso";
        Ae = "ae" => "Avestan", "Avestico";
        Af = "af" => "Afrikaans", "Afrikaans";
        Ak = "ak" => "Akan", "Akan";
        Am = "am" => "Amharic", "Amarico";
        An = "an" => "Aragonese", "Aragonese";
        Ar = "ar" => "Arabic", "Arabo";
        As = "as" => "Assamese", "Assamese";
        Av = "av" => "Avaric", "Avaro";
        Ay = "ay" => "Aymara", "Aymara";
        Az = "az" => "Azerbaijani", "Azerbaigiano";
        Ba = "ba" => "Bashkir", "Baschiro";
        Be = "be" => "Belarusian", "Bielorusso";
        Bg = "bg" => "Bulgarian", "Bulgaro";
        Bi = "bi" => "Bislama", "Bislama";
        Bm = "bm" => "Bambara", "Bambara";
        Bn = "bn" => "Bengali", "Bengalese";
        Bo = "bo" => "Tibetan", "Tibetano";
        Br = "br" => "Breton", "Bretone";
        Bs = "bs" => "Bosnian", "Bosniaco";
        Ca = "ca" => "Catalan", "Catalano";
        Ce = "ce" => "Chechen", "Ceceno";
        Ch = "ch" => "Chamorro", "Chamorro";
        Co = "co" => "Corsican", "Corso";
        Cr = "cr" => "Cree", "Cree";
        Cs = "cs" => "Czech", "Ceco";
        Cu = "cu" => "Church Slavonic", "Slavo ecclesiastico";
        Cv = "cv" => "Chuvash", "Ciuvascio";
        Cy = "cy" => "Welsh", "Gallese";
        Da = "da" => "Danish", "Danese";
        De = "de" => "German", "Tedesco";
        Dv = "dv" => "Divehi", "Divehi";
        Dz = "dz" => "Dzongkha", "Dzongkha";
        Ee = "ee" => "Ewe", "Ewe";
        El = "el" => "Greek", "Greco";
        En = "en" => "English", "Inglese";
        Eo = "eo" => "Esperanto", "Esperanto";
        Es = "es" => "Spanish", "Spagnolo";
        Et = "et" => "Estonian", "Estone";
        Eu = "eu" => "Basque", "Basco";
        Fa = "fa" => "Persian", "Persiano";
        Ff = "ff" => "Fulah", "Fula";
        Fi = "fi" => "Finnish", "Finlandese";
        Fj = "fj" => "Fijian", "Figiano";
        Fo = "fo" => "Faroese", "Faroese";
        Fr = "fr" => "French", "Francese";
        Fy = "fy" => "Western Frisian", "Frisone occidentale";
        Ga = "ga" => "Irish", "Irlandese";
        Gd = "gd" => "Scottish Gaelic", "Gaelico scozzese";
        Gl = "gl" => "Galician", "Galiziano";
        Gn = "gn" => "Guarani", "Guaraní";
        Gu = "gu" => "Gujarati", "Gujarati";
        Gv = "gv" => "Manx", "Mannese";
        Ha = "ha" => "Hausa", "Hausa";
        He = "he" => "Hebrew", "Ebraico";
        Hi = "hi" => "Hindi", "Hindi";
        Ho = "ho" => "Hiri Motu", "Hiri motu";
        Hr = "hr" => "Croatian", "Croato";
        Ht = "ht" => "Haitian Creole", "Creolo haitiano";
        Hu = "hu" => "Hungarian", "Ungherese";
        Hy = "hy" => "Armenian", "Armeno";
        Hz = "hz" => "Herero", "Herero";
        Ia = "ia" => "Interlingua", "Interlingua";
        Id = "id" => "Indonesian", "Indonesiano";
        Ie = "ie" => "Interlingue", "Interlingue";
        Ig = "ig" => "Igbo", "Igbo";
        Ii = "ii" => "Sichuan Yi", "Yi del Sichuan";
        Ik = "ik" => "Inupiaq", "Inupiak";
        Io = "io" => "Ido", "Ido";
        Is = "is" => "Icelandic", "Islandese";
        It = "it" => "Italian", "Italiano";
        Iu = "iu" => "Inuktitut", "Inuktitut";
        Ja = "ja" => "Japanese", "Giapponese";
        Jv = "jv" => "Javanese", "Giavanese";
        Ka = "ka" => "Georgian", "Georgiano";
        Kg = "kg" => "Kongo", "Kongo";
        Ki = "ki" => "Kikuyu", "Kikuyu";
        Kj = "kj" => "Kuanyama", "Kuanyama";
        Kk = "kk" => "Kazakh", "Kazako";
        Kl = "kl" => "Kalaallisut", "Groenlandese";
        Km = "km" => "Khmer", "Khmer";
        Kn = "kn" => "Kannada", "Kannada";
        Ko = "ko" => "Korean", "Coreano";
        Kr = "kr" => "Kanuri", "Kanuri";
        Ks = "ks" => "Kashmiri", "Kashmiri";
        Ku = "ku" => "Kurdish", "Curdo";
        Kv = "kv" => "Komi", "Komi";
        Kw = "kw" => "Cornish", "Cornico";
        Ky = "ky" => "Kyrgyz", "Kirghiso";
        La = "la" => "Latin", "Latino";
        Lb = "lb" => "Luxembourgish", "Lussemburghese";
        Lg = "lg" => "Ganda", "Ganda";
        Li = "li" => "Limburgish", "Limburghese";
        Ln = "ln" => "Lingala", "Lingala";
        Lo = "lo" => "Lao", "Lao";
        Lt = "lt" => "Lithuanian", "Lituano";
        Lu = "lu" => "Luba-Katanga", "Luba-katanga";
        Lv = "lv" => "Latvian", "Lettone";
        Mg = "mg" => "Malagasy", "Malgascio";
        Mh = "mh" => "Marshallese", "Marshallese";
        Mi = "mi" => "Maori", "Maori";
        Mk = "mk" => "Macedonian", "Macedone";
        Ml = "ml" => "Malayalam", "Malayalam";
        Mn = "mn" => "Mongolian", "Mongolo";
        Mr = "mr" => "Marathi", "Marathi";
        Ms = "ms" => "Malay", "Malese";
        Mt = "mt" => "Maltese", "Maltese";
        My = "my" => "Burmese", "Birmano";
        Na = "na" => "Nauru", "Nauruano";
        Nb = "nb" => "Norwegian Bokmål", "Norvegese bokmål";
        Nd = "nd" => "North Ndebele", "Ndebele del nord";
        Ne = "ne" => "Nepali", "Nepalese";
        Ng = "ng" => "Ndonga", "Ndonga";
        Nl = "nl" => "Dutch", "Olandese";
        Nn = "nn" => "Norwegian Nynorsk", "Norvegese nynorsk";
        No = "no" => "Norwegian", "Norvegese";
        Nr = "nr" => "South Ndebele", "Ndebele del sud";
        Nv = "nv" => "Navajo", "Navajo";
        Ny = "ny" => "Chichewa", "Chichewa";
        Oc = "oc" => "Occitan", "Occitano";
        Oj = "oj" => "Ojibwa", "Ojibwa";
        Om = "om" => "Oromo", "Oromo";
        Or = "or" => "Odia", "Oriya";
        Os = "os" => "Ossetian", "Osseto";
        Pa = "pa" => "Punjabi", "Punjabi";
        Pi = "pi" => "Pali", "Pali";
        Pl = "pl" => "Polish", "Polacco";
        Ps = "ps" => "Pashto", "Pashto";
        Pt = "pt" => "Portuguese", "Portoghese";
        Qu = "qu" => "Quechua", "Quechua";
        Rm = "rm" => "Romansh", "Romancio";
        Rn = "rn" => "Rundi", "Kirundi";
        Ro = "ro" => "Romanian", "Rumeno";
        Ru = "ru" => "Russian", "Russo";
        Rw = "rw" => "Kinyarwanda", "Kinyarwanda";
        Sa = "sa" => "Sanskrit", "Sanscrito";
        Sc = "sc" => "Sardinian", "Sardo";
        Sd = "sd" => "Sindhi", "Sindhi";
        Se = "se" => "Northern Sami", "Sami del nord";
        Sg = "sg" => "Sango", "Sango";
        Si = "si" => "Sinhala", "Singalese";
        Sk = "sk" => "Slovak", "Slovacco";
        Sl = "sl" => "Slovenian", "Sloveno";
        Sm = "sm" => "Samoan", "Samoano";
        Sn = "sn" => "Shona", "Shona";
        So = "so" => "Somali", "Somalo";
        Sq = "sq" => "Albanian", "Albanese";
        Sr = "sr" => "Serbian", "Serbo";
        Ss = "ss" => "Swati", "Swati";
        St = "st" => "Southern Sotho", "Sotho del sud";
        Su = "su" => "Sundanese", "Sundanese";
        Sv = "sv" => "Swedish", "Svedese";
        Sw = "sw" => "Swahili", "Swahili";
        Ta = "ta" => "Tamil", "Tamil";
        Te = "te" => "Telugu", "Telugu";
        Tg = "tg" => "Tajik", "Tagico";
        Th = "th" => "Thai", "Thailandese";
        Ti = "ti" => "Tigrinya", "Tigrino";
        Tk = "tk" => "Turkmen", "Turcmeno";
        Tl = "tl" => "Tagalog", "Tagalog";
        Tn = "tn" => "Tswana", "Tswana";
        To = "to" => "Tongan", "Tongano";
        Tr = "tr" => "Turkish", "Turco";
        Ts = "ts" => "Tsonga", "Tsonga";
        Tt = "tt" => "Tatar", "Tataro";
        Tw = "tw" => "Twi", "Twi";
        Ty = "ty" => "Tahitian", "Tahitiano";
        Ug = "ug" => "Uyghur", "Uiguro";
        Uk = "uk" => "Ukrainian", "Ucraino";
        Ur = "ur" => "Urdu", "Urdu";
        Uz = "uz" => "Uzbek", "Uzbeko";
        Ve = "ve" => "Venda", "Venda";
        Vi = "vi" => "Vietnamese", "Vietnamita";
        Vo = "vo" => "Volapük", "Volapük";
        Wa = "wa" => "Walloon", "Vallone";
        Wo = "wo" => "Wolof", "Wolof";
        Xh = "xh" => "Xhosa", "Xhosa";
        Yi = "yi" => "Yiddish", "Yiddish";
        Yo = "yo" => "Yoruba", "Yoruba";
        Za = "za" => "Zhuang", "Zhuang";
        Zh = "zh" => "Chinese", "Cinese";
        Zu = "zu" => "Zulu", "Zulu";
    }
}

impl Language {
    /// The 24 official languages of the European Union, the usual choices in forms.
    pub const EU_OFFICIAL: [Self; 24] = [
        Self::Bg,
        Self::Cs,
        Self::Da,
        Self::De,
        Self::El,
        Self::En,
        Self::Es,
        Self::Et,
        Self::Fi,
        Self::Fr,
        Self::Ga,
        Self::Hr,
        Self::Hu,
        Self::It,
        Self::Lt,
        Self::Lv,
        Self::Mt,
        Self::Nl,
        Self::Pl,
        Self::Pt,
        Self::Ro,
        Self::Sk,
        Self::Sl,
        Self::Sv,
    ];

    pub fn is_eu_official(self) -> bool {
        Self::EU_OFFICIAL.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn languages_key_json_maps() {
        assert_eq!(serde_json::to_string(&Language::It).unwrap(), "\"it\"");
        let mut map = BTreeMap::new();
        map.insert(Language::It, "ciao");
        map.insert(Language::En, "hello");
        let json = serde_json::to_string(&map).unwrap();
        assert_eq!(json, r#"{"en":"hello","it":"ciao"}"#);
        let back: BTreeMap<Language, String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back[&Language::It], "ciao");
        let err = serde_json::from_str::<BTreeMap<Language, String>>(r#"{"xx":"?"}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown ISO 639-1 language code `xx`"),
            "{err}"
        );
        assert!(Language::Ga.is_eu_official() && !Language::No.is_eu_official());
        assert_eq!(Language::De.label_it(), "Tedesco");
    }
}
