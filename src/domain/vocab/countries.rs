//! ISO 3166-1 alpha-2 country codes: every officially assigned code, with English and Italian
//! short names.

use super::vocabulary;

vocabulary! {
    /// A country or territory, written as its ISO 3166-1 alpha-2 code (`"IT"`).
    // The variants are the codes themselves: `Country::IT` reads as the standard does.
    #[allow(clippy::upper_case_acronyms)]
    pub enum Country ("ISO 3166-1 alpha-2 country code") {
        AD = "AD" => "Andorra", "Andorra";
        AE = "AE" => "United Arab Emirates", "Emirati Arabi Uniti";
        AF = "AF" => "Afghanistan", "Afghanistan";
        AG = "AG" => "Antigua and Barbuda", "Antigua e Barbuda";
        AI = "AI" => "Anguilla", "Anguilla";
        AL = "AL" => "Albania", "Albania";
        AM = "AM" => "Armenia", "Armenia";
        AO = "AO" => "Angola", "Angola";
        AQ = "AQ" => "Antarctica", "Antartide";
        AR = "AR" => "Argentina", "Argentina";
        AS = "AS" => "American Samoa", "Samoa americane";
        AT = "AT" => "Austria", "Austria";
        AU = "AU" => "Australia", "Australia";
        AW = "AW" => "Aruba", "Aruba";
        AX = "AX" => "Åland Islands", "Isole Åland";
        AZ = "AZ" => "Azerbaijan", "Azerbaigian";
        BA = "BA" => "Bosnia and Herzegovina", "Bosnia ed Erzegovina";
        BB = "BB" => "Barbados", "Barbados";
        BD = "BD" => "Bangladesh", "Bangladesh";
        BE = "BE" => "Belgium", "Belgio";
        BF = "BF" => "Burkina Faso", "Burkina Faso";
        BG = "BG" => "Bulgaria", "Bulgaria";
        BH = "BH" => "Bahrain", "Bahrein";
        BI = "BI" => "Burundi", "Burundi";
        BJ = "BJ" => "Benin", "Benin";
        BL = "BL" => "Saint Barthélemy", "Saint-Barthélemy";
        BM = "BM" => "Bermuda", "Bermuda";
        BN = "BN" => "Brunei Darussalam", "Brunei";
        BO = "BO" => "Bolivia", "Bolivia";
        BQ = "BQ" => "Bonaire, Sint Eustatius and Saba", "Caraibi olandesi";
        BR = "BR" => "Brazil", "Brasile";
        BS = "BS" => "Bahamas", "Bahamas";
        BT = "BT" => "Bhutan", "Bhutan";
        BV = "BV" => "Bouvet Island", "Isola Bouvet";
        BW = "BW" => "Botswana", "Botswana";
        BY = "BY" => "Belarus", "Bielorussia";
        BZ = "BZ" => "Belize", "Belize";
        CA = "CA" => "Canada", "Canada";
        CC = "CC" => "Cocos (Keeling) Islands", "Isole Cocos (Keeling)";
        CD = "CD" => "Democratic Republic of the Congo", "Repubblica Democratica del Congo";
        CF = "CF" => "Central African Republic", "Repubblica Centrafricana";
        CG = "CG" => "Congo", "Congo";
        CH = "CH" => "Switzerland", "Svizzera";
        CI = "CI" => "Côte d'Ivoire", "Costa d'Avorio";
        CK = "CK" => "Cook Islands", "Isole Cook";
        CL = "CL" => "Chile", "Cile";
        CM = "CM" => "Cameroon", "Camerun";
        CN = "CN" => "China", "Cina";
        CO = "CO" => "Colombia", "Colombia";
        CR = "CR" => "Costa Rica", "Costa Rica";
        CU = "CU" => "Cuba", "Cuba";
        CV = "CV" => "Cabo Verde", "Capo Verde";
        CW = "CW" => "Curaçao", "Curaçao";
        CX = "CX" => "Christmas Island", "Isola Christmas";
        CY = "CY" => "Cyprus", "Cipro";
        CZ = "CZ" => "Czechia", "Cechia";
        DE = "DE" => "Germany", "Germania";
        DJ = "DJ" => "Djibouti", "Gibuti";
        DK = "DK" => "Denmark", "Danimarca";
        DM = "DM" => "Dominica", "Dominica";
        DO = "DO" => "Dominican Republic", "Repubblica Dominicana";
        DZ = "DZ" => "Algeria", "Algeria";
        EC = "EC" => "Ecuador", "Ecuador";
        EE = "EE" => "Estonia", "Estonia";
        EG = "EG" => "Egypt", "Egitto";
        EH = "EH" => "Western Sahara", "Sahara Occidentale";
        ER = "ER" => "Eritrea", "Eritrea";
        ES = "ES" => "Spain", "Spagna";
        ET = "ET" => "Ethiopia", "Etiopia";
        FI = "FI" => "Finland", "Finlandia";
        FJ = "FJ" => "Fiji", "Figi";
        FK = "FK" => "Falkland Islands (Malvinas)", "Isole Falkland";
        FM = "FM" => "Micronesia", "Micronesia";
        FO = "FO" => "Faroe Islands", "Isole Fær Øer";
        FR = "FR" => "France", "Francia";
        GA = "GA" => "Gabon", "Gabon";
        GB = "GB" => "United Kingdom", "Regno Unito";
        GD = "GD" => "Grenada", "Grenada";
        GE = "GE" => "Georgia", "Georgia";
        GF = "GF" => "French Guiana", "Guyana francese";
        GG = "GG" => "Guernsey", "Guernsey";
        GH = "GH" => "Ghana", "Ghana";
        GI = "GI" => "Gibraltar", "Gibilterra";
        GL = "GL" => "Greenland", "Groenlandia";
        GM = "GM" => "Gambia", "Gambia";
        GN = "GN" => "Guinea", "Guinea";
        GP = "GP" => "Guadeloupe", "Guadalupa";
        GQ = "GQ" => "Equatorial Guinea", "Guinea Equatoriale";
        GR = "GR" => "Greece", "Grecia";
        GS = "GS" => "South Georgia and the South Sandwich Islands", "Georgia del Sud e Sandwich Australi";
        GT = "GT" => "Guatemala", "Guatemala";
        GU = "GU" => "Guam", "Guam";
        GW = "GW" => "Guinea-Bissau", "Guinea-Bissau";
        GY = "GY" => "Guyana", "Guyana";
        HK = "HK" => "Hong Kong", "Hong Kong";
        HM = "HM" => "Heard Island and McDonald Islands", "Isole Heard e McDonald";
        HN = "HN" => "Honduras", "Honduras";
        HR = "HR" => "Croatia", "Croazia";
        HT = "HT" => "Haiti", "Haiti";
        HU = "HU" => "Hungary", "Ungheria";
        ID = "ID" => "Indonesia", "Indonesia";
        IE = "IE" => "Ireland", "Irlanda";
        IL = "IL" => "Israel", "Israele";
        IM = "IM" => "Isle of Man", "Isola di Man";
        IN = "IN" => "India", "India";
        IO = "IO" => "British Indian Ocean Territory", "Territorio britannico dell'Oceano Indiano";
        IQ = "IQ" => "Iraq", "Iraq";
        IR = "IR" => "Iran", "Iran";
        IS = "IS" => "Iceland", "Islanda";
        IT = "IT" => "Italy", "Italia";
        JE = "JE" => "Jersey", "Jersey";
        JM = "JM" => "Jamaica", "Giamaica";
        JO = "JO" => "Jordan", "Giordania";
        JP = "JP" => "Japan", "Giappone";
        KE = "KE" => "Kenya", "Kenya";
        KG = "KG" => "Kyrgyzstan", "Kirghizistan";
        KH = "KH" => "Cambodia", "Cambogia";
        KI = "KI" => "Kiribati", "Kiribati";
        KM = "KM" => "Comoros", "Comore";
        KN = "KN" => "Saint Kitts and Nevis", "Saint Kitts e Nevis";
        KP = "KP" => "North Korea", "Corea del Nord";
        KR = "KR" => "South Korea", "Corea del Sud";
        KW = "KW" => "Kuwait", "Kuwait";
        KY = "KY" => "Cayman Islands", "Isole Cayman";
        KZ = "KZ" => "Kazakhstan", "Kazakistan";
        LA = "LA" => "Lao People's Democratic Republic", "Laos";
        LB = "LB" => "Lebanon", "Libano";
        LC = "LC" => "Saint Lucia", "Santa Lucia";
        LI = "LI" => "Liechtenstein", "Liechtenstein";
        LK = "LK" => "Sri Lanka", "Sri Lanka";
        LR = "LR" => "Liberia", "Liberia";
        LS = "LS" => "Lesotho", "Lesotho";
        LT = "LT" => "Lithuania", "Lituania";
        LU = "LU" => "Luxembourg", "Lussemburgo";
        LV = "LV" => "Latvia", "Lettonia";
        LY = "LY" => "Libya", "Libia";
        MA = "MA" => "Morocco", "Marocco";
        MC = "MC" => "Monaco", "Monaco";
        MD = "MD" => "Moldova", "Moldavia";
        ME = "ME" => "Montenegro", "Montenegro";
        MF = "MF" => "Saint Martin (French part)", "Saint-Martin";
        MG = "MG" => "Madagascar", "Madagascar";
        MH = "MH" => "Marshall Islands", "Isole Marshall";
        MK = "MK" => "North Macedonia", "Macedonia del Nord";
        ML = "ML" => "Mali", "Mali";
        MM = "MM" => "Myanmar", "Myanmar";
        MN = "MN" => "Mongolia", "Mongolia";
        MO = "MO" => "Macao", "Macao";
        MP = "MP" => "Northern Mariana Islands", "Isole Marianne Settentrionali";
        MQ = "MQ" => "Martinique", "Martinica";
        MR = "MR" => "Mauritania", "Mauritania";
        MS = "MS" => "Montserrat", "Montserrat";
        MT = "MT" => "Malta", "Malta";
        MU = "MU" => "Mauritius", "Mauritius";
        MV = "MV" => "Maldives", "Maldive";
        MW = "MW" => "Malawi", "Malawi";
        MX = "MX" => "Mexico", "Messico";
        MY = "MY" => "Malaysia", "Malaysia";
        MZ = "MZ" => "Mozambique", "Mozambico";
        NA = "NA" => "Namibia", "Namibia";
        NC = "NC" => "New Caledonia", "Nuova Caledonia";
        NE = "NE" => "Niger", "Niger";
        NF = "NF" => "Norfolk Island", "Isola Norfolk";
        NG = "NG" => "Nigeria", "Nigeria";
        NI = "NI" => "Nicaragua", "Nicaragua";
        NL = "NL" => "Netherlands", "Paesi Bassi";
        NO = "NO" => "Norway", "Norvegia";
        NP = "NP" => "Nepal", "Nepal";
        NR = "NR" => "Nauru", "Nauru";
        NU = "NU" => "Niue", "Niue";
        NZ = "NZ" => "New Zealand", "Nuova Zelanda";
        OM = "OM" => "Oman", "Oman";
        PA = "PA" => "Panama", "Panama";
        PE = "PE" => "Peru", "Perù";
        PF = "PF" => "French Polynesia", "Polinesia francese";
        PG = "PG" => "Papua New Guinea", "Papua Nuova Guinea";
        PH = "PH" => "Philippines", "Filippine";
        PK = "PK" => "Pakistan", "Pakistan";
        PL = "PL" => "Poland", "Polonia";
        PM = "PM" => "Saint Pierre and Miquelon", "Saint-Pierre e Miquelon";
        PN = "PN" => "Pitcairn", "Isole Pitcairn";
        PR = "PR" => "Puerto Rico", "Portorico";
        PS = "PS" => "Palestine, State of", "Palestina";
        PT = "PT" => "Portugal", "Portogallo";
        PW = "PW" => "Palau", "Palau";
        PY = "PY" => "Paraguay", "Paraguay";
        QA = "QA" => "Qatar", "Qatar";
        RE = "RE" => "Réunion", "Riunione";
        RO = "RO" => "Romania", "Romania";
        RS = "RS" => "Serbia", "Serbia";
        RU = "RU" => "Russian Federation", "Russia";
        RW = "RW" => "Rwanda", "Ruanda";
        SA = "SA" => "Saudi Arabia", "Arabia Saudita";
        SB = "SB" => "Solomon Islands", "Isole Salomone";
        SC = "SC" => "Seychelles", "Seychelles";
        SD = "SD" => "Sudan", "Sudan";
        SE = "SE" => "Sweden", "Svezia";
        SG = "SG" => "Singapore", "Singapore";
        SH = "SH" => "Saint Helena, Ascension and Tristan da Cunha", "Sant'Elena, Ascensione e Tristan da Cunha";
        SI = "SI" => "Slovenia", "Slovenia";
        SJ = "SJ" => "Svalbard and Jan Mayen", "Svalbard e Jan Mayen";
        SK = "SK" => "Slovakia", "Slovacchia";
        SL = "SL" => "Sierra Leone", "Sierra Leone";
        SM = "SM" => "San Marino", "San Marino";
        SN = "SN" => "Senegal", "Senegal";
        SO = "SO" => "Somalia", "Somalia";
        SR = "SR" => "Suriname", "Suriname";
        SS = "SS" => "South Sudan", "Sud Sudan";
        ST = "ST" => "Sao Tome and Principe", "São Tomé e Príncipe";
        SV = "SV" => "El Salvador", "El Salvador";
        SX = "SX" => "Sint Maarten (Dutch part)", "Sint Maarten";
        SY = "SY" => "Syrian Arab Republic", "Siria";
        SZ = "SZ" => "Eswatini", "eSwatini";
        TC = "TC" => "Turks and Caicos Islands", "Isole Turks e Caicos";
        TD = "TD" => "Chad", "Ciad";
        TF = "TF" => "French Southern Territories", "Terre australi francesi";
        TG = "TG" => "Togo", "Togo";
        TH = "TH" => "Thailand", "Thailandia";
        TJ = "TJ" => "Tajikistan", "Tagikistan";
        TK = "TK" => "Tokelau", "Tokelau";
        TL = "TL" => "Timor-Leste", "Timor Est";
        TM = "TM" => "Turkmenistan", "Turkmenistan";
        TN = "TN" => "Tunisia", "Tunisia";
        TO = "TO" => "Tonga", "Tonga";
        TR = "TR" => "Türkiye", "Turchia";
        TT = "TT" => "Trinidad and Tobago", "Trinidad e Tobago";
        TV = "TV" => "Tuvalu", "Tuvalu";
        TW = "TW" => "Taiwan", "Taiwan";
        TZ = "TZ" => "Tanzania", "Tanzania";
        UA = "UA" => "Ukraine", "Ucraina";
        UG = "UG" => "Uganda", "Uganda";
        UM = "UM" => "United States Minor Outlying Islands", "Isole minori esterne degli Stati Uniti";
        US = "US" => "United States of America", "Stati Uniti d'America";
        UY = "UY" => "Uruguay", "Uruguay";
        UZ = "UZ" => "Uzbekistan", "Uzbekistan";
        VA = "VA" => "Holy See", "Città del Vaticano";
        VC = "VC" => "Saint Vincent and the Grenadines", "Saint Vincent e Grenadine";
        VE = "VE" => "Venezuela", "Venezuela";
        VG = "VG" => "Virgin Islands (British)", "Isole Vergini britanniche";
        VI = "VI" => "Virgin Islands (U.S.)", "Isole Vergini americane";
        VN = "VN" => "Viet Nam", "Vietnam";
        VU = "VU" => "Vanuatu", "Vanuatu";
        WF = "WF" => "Wallis and Futuna", "Wallis e Futuna";
        WS = "WS" => "Samoa", "Samoa";
        YE = "YE" => "Yemen", "Yemen";
        YT = "YT" => "Mayotte", "Mayotte";
        ZA = "ZA" => "South Africa", "Sudafrica";
        ZM = "ZM" => "Zambia", "Zambia";
        ZW = "ZW" => "Zimbabwe", "Zimbabwe";
    }
}

impl Country {
    /// Member states of the European Union, for the EU facet and defaults.
    pub const EU_MEMBERS: [Self; 27] = [
        Self::AT,
        Self::BE,
        Self::BG,
        Self::CY,
        Self::CZ,
        Self::DE,
        Self::DK,
        Self::EE,
        Self::ES,
        Self::FI,
        Self::FR,
        Self::GR,
        Self::HR,
        Self::HU,
        Self::IE,
        Self::IT,
        Self::LT,
        Self::LU,
        Self::LV,
        Self::MT,
        Self::NL,
        Self::PL,
        Self::PT,
        Self::RO,
        Self::SE,
        Self::SI,
        Self::SK,
    ];

    /// The ISO 3166-1 alpha-3 code (`ITA`): how the EU `country` authority table names the
    /// country (see [`super::eu_authority::country_uri`]).
    pub const fn alpha3(self) -> &'static str {
        match self {
            Self::AD => "AND",
            Self::AE => "ARE",
            Self::AF => "AFG",
            Self::AG => "ATG",
            Self::AI => "AIA",
            Self::AL => "ALB",
            Self::AM => "ARM",
            Self::AO => "AGO",
            Self::AQ => "ATA",
            Self::AR => "ARG",
            Self::AS => "ASM",
            Self::AT => "AUT",
            Self::AU => "AUS",
            Self::AW => "ABW",
            Self::AX => "ALA",
            Self::AZ => "AZE",
            Self::BA => "BIH",
            Self::BB => "BRB",
            Self::BD => "BGD",
            Self::BE => "BEL",
            Self::BF => "BFA",
            Self::BG => "BGR",
            Self::BH => "BHR",
            Self::BI => "BDI",
            Self::BJ => "BEN",
            Self::BL => "BLM",
            Self::BM => "BMU",
            Self::BN => "BRN",
            Self::BO => "BOL",
            Self::BQ => "BES",
            Self::BR => "BRA",
            Self::BS => "BHS",
            Self::BT => "BTN",
            Self::BV => "BVT",
            Self::BW => "BWA",
            Self::BY => "BLR",
            Self::BZ => "BLZ",
            Self::CA => "CAN",
            Self::CC => "CCK",
            Self::CD => "COD",
            Self::CF => "CAF",
            Self::CG => "COG",
            Self::CH => "CHE",
            Self::CI => "CIV",
            Self::CK => "COK",
            Self::CL => "CHL",
            Self::CM => "CMR",
            Self::CN => "CHN",
            Self::CO => "COL",
            Self::CR => "CRI",
            Self::CU => "CUB",
            Self::CV => "CPV",
            Self::CW => "CUW",
            Self::CX => "CXR",
            Self::CY => "CYP",
            Self::CZ => "CZE",
            Self::DE => "DEU",
            Self::DJ => "DJI",
            Self::DK => "DNK",
            Self::DM => "DMA",
            Self::DO => "DOM",
            Self::DZ => "DZA",
            Self::EC => "ECU",
            Self::EE => "EST",
            Self::EG => "EGY",
            Self::EH => "ESH",
            Self::ER => "ERI",
            Self::ES => "ESP",
            Self::ET => "ETH",
            Self::FI => "FIN",
            Self::FJ => "FJI",
            Self::FK => "FLK",
            Self::FM => "FSM",
            Self::FO => "FRO",
            Self::FR => "FRA",
            Self::GA => "GAB",
            Self::GB => "GBR",
            Self::GD => "GRD",
            Self::GE => "GEO",
            Self::GF => "GUF",
            Self::GG => "GGY",
            Self::GH => "GHA",
            Self::GI => "GIB",
            Self::GL => "GRL",
            Self::GM => "GMB",
            Self::GN => "GIN",
            Self::GP => "GLP",
            Self::GQ => "GNQ",
            Self::GR => "GRC",
            Self::GS => "SGS",
            Self::GT => "GTM",
            Self::GU => "GUM",
            Self::GW => "GNB",
            Self::GY => "GUY",
            Self::HK => "HKG",
            Self::HM => "HMD",
            Self::HN => "HND",
            Self::HR => "HRV",
            Self::HT => "HTI",
            Self::HU => "HUN",
            Self::ID => "IDN",
            Self::IE => "IRL",
            Self::IL => "ISR",
            Self::IM => "IMN",
            Self::IN => "IND",
            Self::IO => "IOT",
            Self::IQ => "IRQ",
            Self::IR => "IRN",
            Self::IS => "ISL",
            Self::IT => "ITA",
            Self::JE => "JEY",
            Self::JM => "JAM",
            Self::JO => "JOR",
            Self::JP => "JPN",
            Self::KE => "KEN",
            Self::KG => "KGZ",
            Self::KH => "KHM",
            Self::KI => "KIR",
            Self::KM => "COM",
            Self::KN => "KNA",
            Self::KP => "PRK",
            Self::KR => "KOR",
            Self::KW => "KWT",
            Self::KY => "CYM",
            Self::KZ => "KAZ",
            Self::LA => "LAO",
            Self::LB => "LBN",
            Self::LC => "LCA",
            Self::LI => "LIE",
            Self::LK => "LKA",
            Self::LR => "LBR",
            Self::LS => "LSO",
            Self::LT => "LTU",
            Self::LU => "LUX",
            Self::LV => "LVA",
            Self::LY => "LBY",
            Self::MA => "MAR",
            Self::MC => "MCO",
            Self::MD => "MDA",
            Self::ME => "MNE",
            Self::MF => "MAF",
            Self::MG => "MDG",
            Self::MH => "MHL",
            Self::MK => "MKD",
            Self::ML => "MLI",
            Self::MM => "MMR",
            Self::MN => "MNG",
            Self::MO => "MAC",
            Self::MP => "MNP",
            Self::MQ => "MTQ",
            Self::MR => "MRT",
            Self::MS => "MSR",
            Self::MT => "MLT",
            Self::MU => "MUS",
            Self::MV => "MDV",
            Self::MW => "MWI",
            Self::MX => "MEX",
            Self::MY => "MYS",
            Self::MZ => "MOZ",
            Self::NA => "NAM",
            Self::NC => "NCL",
            Self::NE => "NER",
            Self::NF => "NFK",
            Self::NG => "NGA",
            Self::NI => "NIC",
            Self::NL => "NLD",
            Self::NO => "NOR",
            Self::NP => "NPL",
            Self::NR => "NRU",
            Self::NU => "NIU",
            Self::NZ => "NZL",
            Self::OM => "OMN",
            Self::PA => "PAN",
            Self::PE => "PER",
            Self::PF => "PYF",
            Self::PG => "PNG",
            Self::PH => "PHL",
            Self::PK => "PAK",
            Self::PL => "POL",
            Self::PM => "SPM",
            Self::PN => "PCN",
            Self::PR => "PRI",
            Self::PS => "PSE",
            Self::PT => "PRT",
            Self::PW => "PLW",
            Self::PY => "PRY",
            Self::QA => "QAT",
            Self::RE => "REU",
            Self::RO => "ROU",
            Self::RS => "SRB",
            Self::RU => "RUS",
            Self::RW => "RWA",
            Self::SA => "SAU",
            Self::SB => "SLB",
            Self::SC => "SYC",
            Self::SD => "SDN",
            Self::SE => "SWE",
            Self::SG => "SGP",
            Self::SH => "SHN",
            Self::SI => "SVN",
            Self::SJ => "SJM",
            Self::SK => "SVK",
            Self::SL => "SLE",
            Self::SM => "SMR",
            Self::SN => "SEN",
            Self::SO => "SOM",
            Self::SR => "SUR",
            Self::SS => "SSD",
            Self::ST => "STP",
            Self::SV => "SLV",
            Self::SX => "SXM",
            Self::SY => "SYR",
            Self::SZ => "SWZ",
            Self::TC => "TCA",
            Self::TD => "TCD",
            Self::TF => "ATF",
            Self::TG => "TGO",
            Self::TH => "THA",
            Self::TJ => "TJK",
            Self::TK => "TKL",
            Self::TL => "TLS",
            Self::TM => "TKM",
            Self::TN => "TUN",
            Self::TO => "TON",
            Self::TR => "TUR",
            Self::TT => "TTO",
            Self::TV => "TUV",
            Self::TW => "TWN",
            Self::TZ => "TZA",
            Self::UA => "UKR",
            Self::UG => "UGA",
            Self::UM => "UMI",
            Self::US => "USA",
            Self::UY => "URY",
            Self::UZ => "UZB",
            Self::VA => "VAT",
            Self::VC => "VCT",
            Self::VE => "VEN",
            Self::VG => "VGB",
            Self::VI => "VIR",
            Self::VN => "VNM",
            Self::VU => "VUT",
            Self::WF => "WLF",
            Self::WS => "WSM",
            Self::YE => "YEM",
            Self::YT => "MYT",
            Self::ZA => "ZAF",
            Self::ZM => "ZMB",
            Self::ZW => "ZWE",
        }
    }

    pub fn is_eu_member(self) -> bool {
        Self::EU_MEMBERS.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries() {
        assert_eq!(serde_json::to_string(&Country::IT).unwrap(), "\"IT\"");
        assert_eq!(Country::IT.label_it(), "Italia");
        assert_eq!(Country::DE.label_en(), "Germany");
        assert!(Country::IT.is_eu_member() && !Country::CH.is_eu_member());
        assert!(
            "EL".parse::<Country>().is_err(),
            "EL is a NUTS prefix, not ISO 3166"
        );
        assert!("ITA".parse::<Country>().is_err());
    }
}
