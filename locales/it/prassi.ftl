# Pagine di Prassi: italiano (lingua predefinita). Ogni chiave c'è anche in ../en/prassi.ftl
# (un test lo verifica). Le chiavi sono raggruppate per pagina.

## Cornice di ogni pagina
site-tagline = Buone pratiche della pubblica amministrazione
slim-brand = Rete federata delle buone pratiche
skip-to-content = Vai al contenuto principale
skip-to-footer = Vai al piè di pagina
lang-switch = Lingua del sito
lang-current = lingua attuale
nav-main = Menu principale
nav-home = Home
nav-search = Cerca
nav-rankings = Classifiche
nav-topics = Temi
nav-calls = Bandi
nav-organizations = Organizzazioni
search-label = Cerca tra le pratiche
search-placeholder = Per esempio: bilancio partecipativo
search-submit = Cerca
footer-open-data = Dati aperti
footer-catalog-jsonld = Catalogo DCAT-AP_IT (JSON-LD)
footer-catalog-csv = Elenco delle pratiche (CSV)
footer-developers = Per chi sviluppa
footer-api = API (OpenAPI)
footer-nodeinfo = NodeInfo
footer-fediverse = Nel fediverso
footer-fediverse-text = Segui organizzazioni e pratiche da Mastodon o da un'altra istanza Prassi: ogni pagina indica l'indirizzo da seguire.
footer-legal = Note legali
footer-accessibility = Dichiarazione di accessibilità
footer-privacy = Informativa privacy
footer-software = Prassi, software libero (AGPL-3.0)

## Componenti
pager-label = Navigazione tra le pagine
pager-prev = Pagina precedente
pager-next = Pagina successiva
pager-page = Pagina { $page }
page-of = Pagina { $page } di { $pages }
practices-count = { $count ->
    [0] Nessuna pratica
    [one] 1 pratica
   *[other] { $count } pratiche
}
card-by = di { $org }
card-read = Leggi la pratica
alert-info = Informazione
alert-error = Errore

## Home
home-title = Buone pratiche della pubblica amministrazione
home-intro = Le amministrazioni pubbliche raccontano qui ciò che ha funzionato, con i risultati e le lezioni apprese, perché altre possano riusarlo. Leggi, commenta e sostieni le pratiche che conosci.
home-search-title = Cerca una pratica
home-latest = Pratiche più recenti
home-recognised = Pratiche riconosciute
home-recognised-none = Nessuna pratica è stata ancora riconosciuta da una commissione.
home-organizations = Organizzazioni
home-topics = Temi
home-none = Nessuna pratica pubblicata finora.
home-all = Tutte le pratiche

## Errori
not-found-title = Pagina non trovata
not-found-text = L'indirizzo non corrisponde a nessuna pagina di questo sito: forse è stato scritto male, o la pagina è stata spostata.
back-home = Torna alla home
gone-title = Contenuto eliminato
gone-text = Questo contenuto è stato eliminato da chi lo aveva pubblicato.

## Accessibilità
a11y-title = Dichiarazione di accessibilità
a11y-intro = { $site } si impegna a rendere il proprio sito accessibile, in conformità alla legge 9 gennaio 2004, n. 4 e alle Linee guida AgID sull'accessibilità degli strumenti informatici.
a11y-status-title = Stato di conformità
a11y-status = Le pagine sono scritte per rispettare i requisiti WCAG 2.1 di livello A e AA: ogni pagina è verificata automaticamente con axe-core in entrambe le lingue, si usa con la sola tastiera e funziona senza JavaScript.
a11y-limits-title = Contenuti non accessibili
a11y-limits = I documenti allegati alle pratiche (PDF e altri) sono caricati dalle amministrazioni che le pubblicano, che ne rispondono.
a11y-feedback-title = Segnalazioni
a11y-feedback = Per segnalare un problema di accessibilità scrivi all'amministratore di questa istanza; se la risposta non arriva entro 30 giorni o non è soddisfacente puoi rivolgerti al Difensore civico per il digitale di AgID.

## Privacy
privacy-title = Informativa privacy
privacy-intro = Questa istanza tratta i dati personali strettamente necessari a farla funzionare.
privacy-data-title = Quali dati
privacy-data = Di chi si registra: nome utente, indirizzo e-mail e password (conservata solo come impronta Argon2). Di chi partecipa: commenti, sostegni e l'avanzamento della lettura delle pratiche. Chi visita il sito senza registrarsi non lascia dati oltre ai registri tecnici del server.
privacy-cookies-title = Cookie
privacy-cookies = Il sito usa solo cookie tecnici: la lingua scelta e, per chi accede, la sessione. Nessun cookie di profilazione, nessuno strumento di terze parti: ogni file della pagina viene da questo server.
privacy-federation-title = Federazione
privacy-federation = Commenti e sostegni sono pubblici e vengono inviati, con ActivityPub, alle istanze che seguono l'organizzazione o la pratica.
privacy-rights-title = I tuoi diritti
privacy-rights = Puoi chiedere all'amministratore di questa istanza di vedere, correggere o cancellare i tuoi dati (artt. 15-22 del Regolamento UE 2016/679).

## Segui dal tuo server
follow-box-title = Segui dal tuo server
follow-box-text = Hai un account su Mastodon o su un altro server del fediverso? Scrivi il tuo indirizzo: ti portiamo sul tuo server, dove confermi.
follow-account-label = Il tuo account
follow-account-hint = Nella forma nome@server, per esempio mario@mastodon.uno
follow-submit = Continua
follow-page-title = Segui { $name } dal tuo server
follow-unknown = Qui non c'è nessun account da seguire a questo indirizzo.
follow-go-title = Prosegui sul tuo server
follow-go-text = Il tuo server, { $server }, ti chiederà di confermare che vuoi seguire { $name }.
follow-go = Vai su { $server }
follow-change = Usa un altro account
follow-error-bad-handle = Scrivi il tuo account nella forma nome@server, per esempio mario@mastodon.uno.
follow-error-no-account = Il server { $server } non ha nessun account { $account }. Controlla di averlo scritto bene.
follow-error-unreachable = Il server { $server } non risponde. Controlla l'indirizzo o riprova più tardi.
follow-error-no-template = Il server { $server } non permette di seguire da un altro sito. Cerca { $handle } sul tuo server e seguilo da lì.
authorize-title = Vuoi seguire { $name }?
authorize-text = Con il tuo account { $me } seguirai { $handle } e vedrai quello che pubblica.
authorize-submit = Segui
authorize-cancel = Annulla
authorize-see = Vai alla pagina
authorize-done-title = Ora segui { $name }
authorize-done-text = Vedrai le nuove pratiche di { $name }.
authorize-pending-title = Richiesta inviata
authorize-pending-text = Hai chiesto di seguire { $name }: il suo server conferma tra poco.
authorize-error-title = Impossibile seguire
authorize-error-text = Non troviamo questo account, oppure il suo server non risponde. Riprova più tardi.
