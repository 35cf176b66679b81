//! ISO 4217 currency codes: every active code, plus the few withdrawn since 2020 that budgets of
//! past practices are still written in.

use super::vocabulary;

vocabulary! {
    /// A currency, written as its ISO 4217 alphabetic code (`"EUR"`).
    // The variants are the codes themselves: `Currency::EUR` reads as the standard does.
    #[allow(clippy::upper_case_acronyms)]
    pub enum Currency ("ISO 4217 currency code") {
        AED = "AED" => "UAE Dirham", "Dirham degli Emirati Arabi Uniti";
        AFN = "AFN" => "Afghani", "Afghani";
        // `Currency::ALL` is the list of all currencies, so the lek's variant takes its name.
        Lek = "ALL" => "Lek", "Lek albanese";
        AMD = "AMD" => "Armenian Dram", "Dram armeno";
        ANG = "ANG" => "Netherlands Antillean Guilder", "Fiorino delle Antille olandesi";
        AOA = "AOA" => "Kwanza", "Kwanza angolano";
        ARS = "ARS" => "Argentine Peso", "Peso argentino";
        AUD = "AUD" => "Australian Dollar", "Dollaro australiano";
        AWG = "AWG" => "Aruban Florin", "Fiorino di Aruba";
        AZN = "AZN" => "Azerbaijan Manat", "Manat azero";
        BAM = "BAM" => "Convertible Mark", "Marco convertibile bosniaco";
        BBD = "BBD" => "Barbados Dollar", "Dollaro di Barbados";
        BDT = "BDT" => "Taka", "Taka bengalese";
        BGN = "BGN" => "Bulgarian Lev", "Lev bulgaro";
        BHD = "BHD" => "Bahraini Dinar", "Dinaro del Bahrein";
        BIF = "BIF" => "Burundi Franc", "Franco del Burundi";
        BMD = "BMD" => "Bermudian Dollar", "Dollaro delle Bermuda";
        BND = "BND" => "Brunei Dollar", "Dollaro del Brunei";
        BOB = "BOB" => "Boliviano", "Boliviano";
        BOV = "BOV" => "Mvdol", "Mvdol boliviano";
        BRL = "BRL" => "Brazilian Real", "Real brasiliano";
        BSD = "BSD" => "Bahamian Dollar", "Dollaro delle Bahamas";
        BTN = "BTN" => "Ngultrum", "Ngultrum del Bhutan";
        BWP = "BWP" => "Pula", "Pula del Botswana";
        BYN = "BYN" => "Belarusian Ruble", "Rublo bielorusso";
        BZD = "BZD" => "Belize Dollar", "Dollaro del Belize";
        CAD = "CAD" => "Canadian Dollar", "Dollaro canadese";
        CDF = "CDF" => "Congolese Franc", "Franco congolese";
        CHE = "CHE" => "WIR Euro", "Euro WIR";
        CHF = "CHF" => "Swiss Franc", "Franco svizzero";
        CHW = "CHW" => "WIR Franc", "Franco WIR";
        CLF = "CLF" => "Unidad de Fomento", "Unidad de Fomento cilena";
        CLP = "CLP" => "Chilean Peso", "Peso cileno";
        CNY = "CNY" => "Yuan Renminbi", "Renminbi cinese";
        COP = "COP" => "Colombian Peso", "Peso colombiano";
        COU = "COU" => "Unidad de Valor Real", "Unidad de Valor Real colombiana";
        CRC = "CRC" => "Costa Rican Colon", "Colón costaricano";
        CUP = "CUP" => "Cuban Peso", "Peso cubano";
        CVE = "CVE" => "Cabo Verde Escudo", "Escudo capoverdiano";
        CZK = "CZK" => "Czech Koruna", "Corona ceca";
        DJF = "DJF" => "Djibouti Franc", "Franco di Gibuti";
        DKK = "DKK" => "Danish Krone", "Corona danese";
        DOP = "DOP" => "Dominican Peso", "Peso dominicano";
        DZD = "DZD" => "Algerian Dinar", "Dinaro algerino";
        EGP = "EGP" => "Egyptian Pound", "Sterlina egiziana";
        ERN = "ERN" => "Nakfa", "Nakfa eritreo";
        ETB = "ETB" => "Ethiopian Birr", "Birr etiope";
        EUR = "EUR" => "Euro", "Euro";
        FJD = "FJD" => "Fiji Dollar", "Dollaro delle Figi";
        FKP = "FKP" => "Falkland Islands Pound", "Sterlina delle Falkland";
        GBP = "GBP" => "Pound Sterling", "Sterlina britannica";
        GEL = "GEL" => "Lari", "Lari georgiano";
        GHS = "GHS" => "Ghana Cedi", "Cedi ghanese";
        GIP = "GIP" => "Gibraltar Pound", "Sterlina di Gibilterra";
        GMD = "GMD" => "Dalasi", "Dalasi gambiano";
        GNF = "GNF" => "Guinean Franc", "Franco guineano";
        GTQ = "GTQ" => "Quetzal", "Quetzal guatemalteco";
        GYD = "GYD" => "Guyana Dollar", "Dollaro della Guyana";
        HKD = "HKD" => "Hong Kong Dollar", "Dollaro di Hong Kong";
        HNL = "HNL" => "Lempira", "Lempira honduregna";
        HRK = "HRK" => "Kuna", "Kuna croata";
        HTG = "HTG" => "Gourde", "Gourde haitiano";
        HUF = "HUF" => "Forint", "Fiorino ungherese";
        IDR = "IDR" => "Rupiah", "Rupia indonesiana";
        ILS = "ILS" => "New Israeli Sheqel", "Nuovo siclo israeliano";
        INR = "INR" => "Indian Rupee", "Rupia indiana";
        IQD = "IQD" => "Iraqi Dinar", "Dinaro iracheno";
        IRR = "IRR" => "Iranian Rial", "Rial iraniano";
        ISK = "ISK" => "Iceland Krona", "Corona islandese";
        JMD = "JMD" => "Jamaican Dollar", "Dollaro giamaicano";
        JOD = "JOD" => "Jordanian Dinar", "Dinaro giordano";
        JPY = "JPY" => "Yen", "Yen giapponese";
        KES = "KES" => "Kenyan Shilling", "Scellino keniota";
        KGS = "KGS" => "Som", "Som kirghiso";
        KHR = "KHR" => "Riel", "Riel cambogiano";
        KMF = "KMF" => "Comorian Franc", "Franco delle Comore";
        KPW = "KPW" => "North Korean Won", "Won nordcoreano";
        KRW = "KRW" => "Won", "Won sudcoreano";
        KWD = "KWD" => "Kuwaiti Dinar", "Dinaro kuwaitiano";
        KYD = "KYD" => "Cayman Islands Dollar", "Dollaro delle Isole Cayman";
        KZT = "KZT" => "Tenge", "Tenge kazako";
        LAK = "LAK" => "Lao Kip", "Kip laotiano";
        LBP = "LBP" => "Lebanese Pound", "Lira libanese";
        LKR = "LKR" => "Sri Lanka Rupee", "Rupia singalese";
        LRD = "LRD" => "Liberian Dollar", "Dollaro liberiano";
        LSL = "LSL" => "Loti", "Loti del Lesotho";
        LYD = "LYD" => "Libyan Dinar", "Dinaro libico";
        MAD = "MAD" => "Moroccan Dirham", "Dirham marocchino";
        MDL = "MDL" => "Moldovan Leu", "Leu moldavo";
        MGA = "MGA" => "Malagasy Ariary", "Ariary malgascio";
        MKD = "MKD" => "Denar", "Dinaro macedone";
        MMK = "MMK" => "Kyat", "Kyat birmano";
        MNT = "MNT" => "Tugrik", "Tugrik mongolo";
        MOP = "MOP" => "Pataca", "Pataca di Macao";
        MRU = "MRU" => "Ouguiya", "Ouguiya mauritana";
        MUR = "MUR" => "Mauritius Rupee", "Rupia mauriziana";
        MVR = "MVR" => "Rufiyaa", "Rufiyaa delle Maldive";
        MWK = "MWK" => "Malawi Kwacha", "Kwacha malawiano";
        MXN = "MXN" => "Mexican Peso", "Peso messicano";
        MXV = "MXV" => "Mexican Unidad de Inversion (UDI)", "Unidad de Inversión messicana (UDI)";
        MYR = "MYR" => "Malaysian Ringgit", "Ringgit malese";
        MZN = "MZN" => "Mozambique Metical", "Metical mozambicano";
        NAD = "NAD" => "Namibia Dollar", "Dollaro namibiano";
        NGN = "NGN" => "Naira", "Naira nigeriana";
        NIO = "NIO" => "Cordoba Oro", "Córdoba nicaraguense";
        NOK = "NOK" => "Norwegian Krone", "Corona norvegese";
        NPR = "NPR" => "Nepalese Rupee", "Rupia nepalese";
        NZD = "NZD" => "New Zealand Dollar", "Dollaro neozelandese";
        OMR = "OMR" => "Rial Omani", "Rial dell'Oman";
        PAB = "PAB" => "Balboa", "Balboa panamense";
        PEN = "PEN" => "Sol", "Sol peruviano";
        PGK = "PGK" => "Kina", "Kina della Papua Nuova Guinea";
        PHP = "PHP" => "Philippine Peso", "Peso filippino";
        PKR = "PKR" => "Pakistan Rupee", "Rupia pakistana";
        PLN = "PLN" => "Zloty", "Złoty polacco";
        PYG = "PYG" => "Guarani", "Guaraní paraguaiano";
        QAR = "QAR" => "Qatari Rial", "Rial del Qatar";
        RON = "RON" => "Romanian Leu", "Leu rumeno";
        RSD = "RSD" => "Serbian Dinar", "Dinaro serbo";
        RUB = "RUB" => "Russian Ruble", "Rublo russo";
        RWF = "RWF" => "Rwanda Franc", "Franco ruandese";
        SAR = "SAR" => "Saudi Riyal", "Riyal saudita";
        SBD = "SBD" => "Solomon Islands Dollar", "Dollaro delle Isole Salomone";
        SCR = "SCR" => "Seychelles Rupee", "Rupia delle Seychelles";
        SDG = "SDG" => "Sudanese Pound", "Sterlina sudanese";
        SEK = "SEK" => "Swedish Krona", "Corona svedese";
        SGD = "SGD" => "Singapore Dollar", "Dollaro di Singapore";
        SHP = "SHP" => "Saint Helena Pound", "Sterlina di Sant'Elena";
        SLE = "SLE" => "Leone", "Leone della Sierra Leone";
        SLL = "SLL" => "Leone (1964-2022)", "Leone della Sierra Leone (1964-2022)";
        SOS = "SOS" => "Somali Shilling", "Scellino somalo";
        SRD = "SRD" => "Surinam Dollar", "Dollaro del Suriname";
        SSP = "SSP" => "South Sudanese Pound", "Sterlina sud-sudanese";
        STN = "STN" => "Dobra", "Dobra di São Tomé e Príncipe";
        SVC = "SVC" => "El Salvador Colon", "Colón salvadoregno";
        SYP = "SYP" => "Syrian Pound", "Lira siriana";
        SZL = "SZL" => "Lilangeni", "Lilangeni dell'eSwatini";
        THB = "THB" => "Baht", "Baht thailandese";
        TJS = "TJS" => "Somoni", "Somoni tagiko";
        TMT = "TMT" => "Turkmenistan New Manat", "Manat turkmeno";
        TND = "TND" => "Tunisian Dinar", "Dinaro tunisino";
        TOP = "TOP" => "Pa'anga", "Pa'anga tongano";
        TRY = "TRY" => "Turkish Lira", "Lira turca";
        TTD = "TTD" => "Trinidad and Tobago Dollar", "Dollaro di Trinidad e Tobago";
        TWD = "TWD" => "New Taiwan Dollar", "Nuovo dollaro taiwanese";
        TZS = "TZS" => "Tanzanian Shilling", "Scellino tanzaniano";
        UAH = "UAH" => "Hryvnia", "Grivnia ucraina";
        UGX = "UGX" => "Uganda Shilling", "Scellino ugandese";
        USD = "USD" => "US Dollar", "Dollaro statunitense";
        USN = "USN" => "US Dollar (Next day)", "Dollaro statunitense (giorno successivo)";
        UYI = "UYI" => "Uruguay Peso en Unidades Indexadas (UI)", "Peso uruguaiano in unità indicizzate (UI)";
        UYU = "UYU" => "Peso Uruguayo", "Peso uruguaiano";
        UYW = "UYW" => "Unidad Previsional", "Unidad previsional uruguaiana";
        UZS = "UZS" => "Uzbekistan Sum", "Som uzbeko";
        VED = "VED" => "Bolívar Soberano (digital)", "Bolívar soberano digitale";
        VES = "VES" => "Bolívar Soberano", "Bolívar soberano venezuelano";
        VND = "VND" => "Dong", "Dong vietnamita";
        VUV = "VUV" => "Vatu", "Vatu di Vanuatu";
        WST = "WST" => "Tala", "Tala samoano";
        XAF = "XAF" => "CFA Franc BEAC", "Franco CFA BEAC";
        XAG = "XAG" => "Silver", "Argento";
        XAU = "XAU" => "Gold", "Oro";
        XBA = "XBA" => "Bond Markets Unit European Composite Unit (EURCO)", "Unità composita europea (EURCO)";
        XBB = "XBB" => "Bond Markets Unit European Monetary Unit (E.M.U.-6)", "Unità monetaria europea (E.M.U.-6)";
        XBC = "XBC" => "Bond Markets Unit European Unit of Account 9 (E.U.A.-9)", "Unità di conto europea 9 (E.U.A.-9)";
        XBD = "XBD" => "Bond Markets Unit European Unit of Account 17 (E.U.A.-17)", "Unità di conto europea 17 (E.U.A.-17)";
        XCD = "XCD" => "East Caribbean Dollar", "Dollaro dei Caraibi orientali";
        XCG = "XCG" => "Caribbean Guilder", "Fiorino caraibico";
        XDR = "XDR" => "SDR (Special Drawing Right)", "Diritti speciali di prelievo (DSP)";
        XOF = "XOF" => "CFA Franc BCEAO", "Franco CFA BCEAO";
        XPD = "XPD" => "Palladium", "Palladio";
        XPF = "XPF" => "CFP Franc", "Franco CFP";
        XPT = "XPT" => "Platinum", "Platino";
        XSU = "XSU" => "Sucre", "Sucre";
        XTS = "XTS" => "Code reserved for testing", "Codice riservato ai test";
        XUA = "XUA" => "ADB Unit of Account", "Unità di conto della Banca africana di sviluppo";
        XXX = "XXX" => "No currency", "Nessuna valuta";
        YER = "YER" => "Yemeni Rial", "Rial yemenita";
        ZAR = "ZAR" => "Rand", "Rand sudafricano";
        ZMW = "ZMW" => "Zambian Kwacha", "Kwacha zambiano";
        ZWG = "ZWG" => "Zimbabwe Gold", "Oro dello Zimbabwe (ZiG)";
        ZWL = "ZWL" => "Zimbabwe Dollar", "Dollaro dello Zimbabwe";
    }
}

impl Currency {
    /// Withdrawn from ISO 4217 since 2020 but kept so that a practice funded before the
    /// changeover (a Croatian project budgeted in kuna) keeps its original figure.
    pub fn is_withdrawn(self) -> bool {
        matches!(self, Self::ANG | Self::HRK | Self::SLL | Self::ZWL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies() {
        assert_eq!(serde_json::to_string(&Currency::EUR).unwrap(), "\"EUR\"");
        assert_eq!(
            serde_json::from_str::<Currency>("\"CHF\"").unwrap(),
            Currency::CHF
        );
        assert_eq!(Currency::GBP.label_it(), "Sterlina britannica");
        assert!(Currency::HRK.is_withdrawn() && !Currency::EUR.is_withdrawn());
        assert!("EURO".parse::<Currency>().is_err());
        assert_eq!("ALL".parse::<Currency>().unwrap(), Currency::Lek);
        assert_eq!(Currency::Lek.as_str(), "ALL");
    }
}
