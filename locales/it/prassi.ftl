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

## Profili (organizzazioni, temi, persone, l'istanza)
profile-follow = Segui
profile-handle = Indirizzo nel fediverso
profile-followers = Chi segue
profile-followers-count = { $count ->
    [0] Ancora nessuno segue
    [one] 1 persona segue
   *[other] { $count } persone seguono
}
profile-stance-positive = A favore
profile-stance-negative = Contrario
profile-stance-neutral = Neutrale
role-manager = Responsabile di pratiche
role-reviewer = Valutatore della commissione
## Search
search-title = Cerca le pratiche
search-intro = Cerca tra le buone pratiche delle pubbliche amministrazioni e filtra per settore, territorio, fase e altro.
search-building-title = La ricerca si sta preparando
search-building-text = Questo sito sta preparando l'indice di ricerca delle pratiche. Riprova tra poco; intanto puoi trovare le pratiche dalle pagine delle organizzazioni e dei temi.
search-bad-params = Alcuni parametri della ricerca non sono validi. Correggi l'indirizzo o riparti da una nuova ricerca:
search-filters = Filtri
search-sort = Ordina per
search-sort-relevance = Pertinenza
search-sort-index = Indice di buona pratica
search-sort-recent = Più recenti
search-apply = Applica i filtri
search-total = { $count ->
    [0] Nessun risultato
    [one] 1 risultato
   *[other] { $count } risultati
}
search-corrected = Risultati per «{ $query }»
search-ignored = Parole non considerate: { $words }
search-ticked = Filtri attivi
search-remove = Rimuovi il filtro
search-none = Nessuna pratica corrisponde alla ricerca.
search-none-words = Controlla come hai scritto le parole, o usane di più generiche.
search-none-filters = Togli uno o più filtri.
search-none-all = Vedi tutte le pratiche
search-facet-country = Paese
search-facet-region = Regione
search-facet-level_of_government = Livello di governo
search-facet-sector = Settore
search-facet-innovation_type = Tipo di innovazione
search-facet-stage = Fase
search-facet-participation = Partecipazione
search-facet-sdg = Obiettivi di sviluppo sostenibile
search-facet-year = Anno di avvio
search-facet-recognition = Riconosciuta da
search-facet-origin = Istanza di provenienza
search-facet-organization = Amministrazione
level-eu = Unione europea
level-national = Nazionale
level-regional = Regionale
level-supra_local = Sovracomunale
level-local = Locale
level-other_public_body = Altro ente pubblico
org-kicker = Organizzazione
org-ipa = Codice IPA
org-level = Livello di governo
org-region = Regione
org-website = Sito web
org-description = Le buone pratiche di { $name }, con i risultati e la posizione in classifica.
org-ranking = Classifica
org-rank = { $rank }ª su { $of } organizzazioni, per l'indice di qualità delle sue pratiche.
org-ranking-all = Vedi tutta la classifica
org-ranking-none = Non è ancora in classifica: nessuna sua pratica ha ricevuto valutazioni che contano.
org-practices = Le sue pratiche
org-practices-none = Questa organizzazione non ha ancora pubblicato pratiche.
topic-kicker = Tema
topic-summary = Buone pratiche nel tema { $topic }. Segui il tema per ricevere ogni nuova pratica.
topic-practices = Pratiche su questo tema
topic-practices-none = Non ci sono ancora pratiche pubblicate su questo tema.
topic-all = Tutti i temi
person-kicker = Profilo
person-organization = Organizzazione
person-role = Ruolo
person-comments = Commenti pubblici
person-comments-none = Ancora nessun commento pubblico.
person-comment-on = Sulla pratica
person-description = Il profilo pubblico e i commenti di { $name }.
instance-kicker = Questa istanza
instance-intro = { $site } è un'istanza di Prassi: pubblica le buone pratiche delle sue amministrazioni e le scambia con le altre istanze del fediverso.
instance-description = L'istanza { $site }: come seguirla, i suoi bandi e le pratiche che ha riconosciuto.

## Organizzazioni
orgs-title = Organizzazioni
orgs-intro = Le pubbliche amministrazioni che pubblicano qui le loro buone pratiche, con quante ne ha pubblicate ciascuna.
orgs-local = Organizzazioni di questa istanza
orgs-none = Non è stata ancora creata nessuna organizzazione.
orgs-remote = Organizzazioni di altre istanze
orgs-remote-intro = Questa istanza conserva anche pratiche di queste amministrazioni, pubblicate su altre istanze.

## Temi
topics-title = Temi
topics-intro = Ogni tema raccoglie le pratiche di un settore della pubblica amministrazione. Segui un tema dal fediverso per ricevere le nuove pratiche.

## Classifiche
rankings-title = Classifiche
rankings-intro = Organizzazioni e responsabili in ordine di indice di qualità delle loro pratiche: le valutazioni di colleghi e cittadini che hanno letto tutta la pratica.
rankings-how = Come si calcola il punteggio
rankings-how-text = Ogni pratica con almeno una valutazione che conta ha un indice di qualità da 0 a 100 %. Il punteggio di un'organizzazione è una media ponderata: (3 × μ + la somma degli indici delle sue pratiche) ÷ (3 + il numero di queste pratiche), dove μ è l'indice medio di tutte le pratiche presenti qui. Così un'organizzazione con poche pratiche resta vicina alla media finché non arrivano altre valutazioni.
rankings-mean = L'indice medio delle pratiche presenti qui (μ) è { $mean }.
rankings-orgs = Organizzazioni
rankings-orgs-caption = Organizzazioni per punteggio, dalla più alta
rankings-none = Nessuna organizzazione è ancora in classifica: nessuna pratica ha ricevuto valutazioni che contano.
rankings-managers = Responsabili
rankings-managers-intro = Compaiono solo i responsabili che hanno scelto di essere in classifica, per le pratiche il cui gruppo di lavoro li indica come responsabili.
rankings-managers-none = Nessun responsabile ha ancora scelto di essere in classifica.
rankings-managers-caption = Responsabili per punteggio, dal più alto
rankings-rank = Posizione
rankings-name = Nome
rankings-score = Punteggio
rankings-counted = Pratiche contate
rankings-sum = Somma degli indici
rankings-row-explained = Punteggio { $score }. Pratiche con valutazioni che contano: { $counted }; i loro indici sommano { $sum }, pesati con la media di { $mean }.

## Bandi
calls-title = Bandi per le candidature
calls-intro = La commissione di questa istanza apre bandi per riconoscere le buone pratiche. Le amministrazioni candidano le loro pratiche; i valutatori le giudicano sui criteri del bando e la commissione decide, con le sue motivazioni.
calls-open = Bandi aperti
calls-open-none = Al momento non c'è nessun bando aperto.
calls-closed = Bandi chiusi
calls-closed-none = Nessun bando si è ancora chiuso.
calls-deadline = Scadenza: { $date }
calls-recognised-link = { $count ->
    [0] Ancora nessuna pratica riconosciuta
    [one] 1 pratica riconosciuta
   *[other] { $count } pratiche riconosciute
}
call-kicker = Bando per candidature
call-state = Stato
call-open = Aperto
call-closed = Chiuso
call-deadline = Scadenza
call-conflicts = Conflitti di interesse
call-conflicts-excluded = I valutatori dell'amministrazione che si candida non valutano le sue candidature.
call-conflicts-allowed = Possono valutare i valutatori di qualsiasi amministrazione.
call-criteria = Criteri
call-criteria-intro = Ogni candidatura riceve un punteggio da 1 a 5 su ciascuno di questi criteri.
call-candidacies = Candidature
call-candidacies-none = Nessuna pratica è stata ancora candidata a questo bando.
call-candidacies-caption = Candidature a questo bando, dalla più recente
call-recognised = Pratiche riconosciute
call-recognised-none = Nessuna pratica di questo bando è stata ancora riconosciuta.
call-recognised-badge = Riconosciuta
call-all = Tutti i bandi
candidacy-kicker = Candidatura
candidacy-title = Candidatura di «{ $practice }»
candidacy-practice = Pratica
candidacy-organization = Organizzazione
candidacy-call = Bando
candidacy-status = Stato
candidacy-since = Ultima modifica
candidacy-decision = La decisione della commissione
candidacy-decided = Decisa il { $date }.
candidacy-scores = Punteggio medio dei valutatori, da 1 a 5, per criterio
candidacy-criterion = Criterio
candidacy-mean = Punteggio medio
candidacy-pending = La commissione non ha ancora deciso.
candidacy-practice-gone = Una pratica non più pubblicata
recognised-title = Pratiche riconosciute
recognised-intro = Le pratiche che la commissione di questa istanza ha riconosciuto nei suoi bandi, dalla più recente.
recognised-none = Nessuna pratica è stata ancora riconosciuta.

## Commento
comment-kicker = Commento
comment-title = Commento di { $author }
comment-edited = modificato il { $date }
comment-parent = Il commento a cui risponde
comment-practice = Leggi la pratica «{ $practice }»
comment-deleted-title = Commento eliminato
comment-deleted-text = Questo commento è stato eliminato da chi lo aveva scritto.

## Practice
practice-by = Pubblicata da
practice-media = Immagini, video e documenti
practice-document = Documento
practice-summary = In breve
practice-description = Descrizione
practice-impact = Impatto
practice-lessons_learned = Lezioni apprese
practice-challenges = Difficoltà incontrate
practice-replication = Come replicarla
practice-indicators = Indicatori
practice-indicator = Indicatore
practice-baseline = Valore di partenza
practice-value = Valore raggiunto
practice-evidence = Evidenza
practice-evidence-link = Vedi i dati
practice-evidence-title = Evidenze e dati
practice-team = Gruppo di lavoro
practice-manager = Responsabile
practice-partners = Consulenti e partner
practice-links = Link utili
practice-facts = In sintesi
practice-stage = Fase
practice-level = Livello di governo
practice-sectors = Settori
practice-innovation = Tipo di innovazione
practice-participation = Partecipazione
practice-methods = Metodi di partecipazione
practice-place = Luogo
practice-period = Periodo
practice-since = dal { $start }, in corso
practice-beneficiaries = Destinatari
practice-sdgs = Obiettivi di sviluppo sostenibile
practice-licence = Licenza dei contenuti
practice-budget-amount = Budget
practice-funding = Fonti di finanziamento
practice-recognitions = Riconoscimenti
practice-candidacies = Candidature
practice-follow = Segui dal fediverso
practice-comments = Commenti
practice-no-comments = Ancora nessun commento.
index-title = Indice di buona pratica
index-combined = Indice complessivo
index-peer = Pubbliche amministrazioni
index-citizen = Cittadini
index-counts = Giudizi positivi: { $positive }, negativi: { $negative }; dati dopo aver letto tutta la pratica: { $verified }; contati nell'indice: { $counted }.
index-unverified = { $count ->
    [0] Nessun apprezzamento senza lettura.
    [one] 1 apprezzamento senza lettura (mostrato, non contato).
   *[other] { $count } apprezzamenti senza lettura (mostrati, non contati).
}
index-none = L'istanza che pubblica la pratica non ha ancora calcolato l'indice.
index-how = Come si calcola
index-explain = L'indice va da 0 a 100 ed è una stima prudente della quota di giudizi positivi: il limite inferiore dell'intervallo di Wilson al 95%. Contano solo i giudizi di chi ha letto tutta la pratica; quelli di chi lavora nella stessa amministrazione non contano. Il giudizio delle pubbliche amministrazioni pesa per il 70%, quello dei cittadini per il 30%.
index-source-here = Calcolato da questa istanza.
index-source-owner = Calcolato dall'istanza che pubblica la pratica.
index-observed = Giudizi visti da questa istanza: { $counts }.
stance-positive = Favorevole
stance-negative = Contrario
stance-neutral = Neutrale
comment-removed = Commento eliminato.
comment-edited-mark = (modificato)
comment-reply = Rispondi
comment-edit = Modifica
comment-delete = Elimina
comment-replies = Risposte
## Account
account-login = Accedi
account-logout = Esci
account-signed-in-as = Hai eseguito l'accesso come
account-go-login = Vai all'accesso
field-username = Nome utente
field-email = Indirizzo e-mail
field-password = Password
field-new-password = Nuova password
login-title = Accedi
login-submit = Accedi
login-forgot = Hai dimenticato la password?
login-no-account = Non hai un account?
login-signup = Registrati
login-wrong = Nome utente o password non corretti.
login-throttled = Troppi tentativi non riusciti. Riprova tra { $seconds } secondi.
login-pending-mail = Il tuo account non è ancora attivo: apri il link che ti abbiamo inviato per e-mail per confermare l'indirizzo.
login-pending-approval = Il tuo account non è ancora attivo: un amministratore deve approvarlo.
login-failed-server = Non è stato possibile completare l'accesso. Riprova tra poco.
login-confirmed = Indirizzo confermato. Ora puoi accedere.
login-after-reset = Password cambiata. Accedi con la nuova password.
login-logged-out = Sei uscito. A presto!
signup-title = Registrati
signup-intro-mail = Con un account puoi leggere, sostenere e commentare le buone pratiche. Ti invieremo un'e-mail per confermare l'indirizzo.
signup-intro-approval = Con un account puoi leggere, sostenere e commentare le buone pratiche. Questo sito non invia e-mail: il tuo account sarà attivo quando un amministratore lo avrà approvato.
signup-errors = Alcuni campi non sono corretti: controllali qui sotto.
signup-username-help = Da 1 a 64 caratteri: lettere minuscole, cifre, punto, trattino o trattino basso.
signup-password-help = Almeno 10 caratteri.
signup-consent = Ho letto l'informativa e acconsento al trattamento dei miei dati.
signup-consent-link = Leggi l'informativa privacy
signup-submit = Registrati
signup-have-account = Hai già un account?
signup-done-title = Registrazione ricevuta
signup-mail-sent = Ti abbiamo inviato un'e-mail a { $email }: apri il link che contiene per attivare l'account.
signup-awaiting-approval = Il tuo account è stato creato e attende l'approvazione di un amministratore. Potrai accedere appena sarà approvato.
signup-failed = Non è stato possibile completare la richiesta. Riprova tra poco.
err-username-taken = Questo nome utente è già usato: scegline un altro.
err-username-invalid = Usa da 1 a 64 caratteri: lettere minuscole, cifre, punto, trattino o trattino basso.
err-email-taken = Esiste già un account con questo indirizzo.
err-email-invalid = Scrivi un indirizzo e-mail valido, per esempio nome@esempio.it.
err-password-short = La password deve avere almeno 10 caratteri.
err-password-username = La password non può essere uguale al nome utente.
err-consent-missing = Per registrarti devi acconsentire al trattamento dei dati.
err-field-invalid = Questo campo non è corretto.
forgot-title = Password dimenticata
forgot-intro = Scrivi l'indirizzo e-mail del tuo account: ti invieremo un link per scegliere una nuova password.
forgot-submit = Invia il link
forgot-sent = Se l'indirizzo appartiene a un account, riceverai a breve un'e-mail con il link. Il link vale un'ora e si usa una volta sola.
forgot-no-mail = Questo sito non invia e-mail: per avere una nuova password chiedi a un amministratore.
reset-title = Scegli una nuova password
reset-submit = Salva la password
link-invalid-title = Link non valido
link-invalid = Il link non è valido, è scaduto o è già stato usato.
csrf-title = Modulo scaduto
csrf-text = Il modulo è scaduto o viene da un altro sito, quindi non abbiamo fatto nulla. Ricarica la pagina e riprova.
error-title = Qualcosa non ha funzionato
error-text = Non è stato possibile completare l'operazione. Riprova tra poco.
mail-confirm-subject = Conferma il tuo indirizzo su { $site }
mail-confirm-body = Ciao, per attivare il tuo account su { $site } apri questo link entro 3 giorni:

    { $link }

    Se non ti sei registrato tu, ignora questa e-mail.
mail-reset-subject = Nuova password su { $site }
mail-reset-body = Ciao, per scegliere una nuova password su { $site } apri questo link entro un'ora:

    { $link }

    Se non l'hai chiesto tu, ignora questa e-mail: la tua password resta quella di prima.

## Partecipa
take-part-title = Partecipa
take-part-page-title = Partecipa: { $title }
take-part-invite = Accedi o registrati per leggere la pratica fino in fondo, sostenerla o contestarla e commentarla.
take-part-back = Torna alla pratica
reading-title = Lettura
reading-complete = Hai letto tutta la pratica.
reading-left = { $left ->
    [one] Ti resta da leggere una parte.
   *[other] Ti restano da leggere { $left } parti.
}
reading-part-read = letta
reading-mark = Segna come letto
part-summary = Sintesi
part-description = Descrizione
part-impact = Impatto
part-lessons-learned = Lezioni apprese
part-challenges = Difficoltà
part-replication = Come replicarla
part-attachment = Allegato { $n }
endorse-title = Il tuo giudizio
endorse-legend = Sostieni questa pratica?
endorse-positive = Sì, la sostengo
endorse-negative = No, sono contrario
endorse-why = Il commento che spiega perché (facoltativo)
endorse-why-none = Nessun commento
endorse-submit = Invia il giudizio
endorse-withdraw = Ritira il giudizio
endorse-yours-positive = Hai sostenuto questa pratica.
endorse-yours-negative = Hai espresso un giudizio contrario.
endorse-verified = lettura verificata
endorse-locked = Potrai esprimere il tuo giudizio quando avrai letto tutta la pratica.
endorse-locked-parts = { $left ->
    [one] Potrai esprimere il tuo giudizio dopo aver letto tutta la pratica: manca ancora una parte.
   *[other] Potrai esprimere il tuo giudizio dopo aver letto tutta la pratica: mancano ancora { $left } parti.
}
endorse-locked-time = { $minutes ->
    [one] Hai aperto tutte le parti, ma la lettura è stata troppo rapida: tra la prima e l'ultima parte deve passare almeno un minuto. Rileggi con calma e segna di nuovo l'ultima parte.
   *[other] Hai aperto tutte le parti, ma la lettura è stata troppo rapida: tra la prima e l'ultima parte devono passare almeno { $minutes } minuti. Rileggi con calma e segna di nuovo l'ultima parte.
}
comment-form-title = Commenta
comment-content = Il tuo commento
comment-stance = La tua posizione
comment-submit = Pubblica il commento
stance-none = Nessuna posizione
comment-reply-title = Rispondi al commento
comment-edit-title = Modifica il commento
comment-delete-title = Elimina il commento
comment-reply-submit = Pubblica la risposta
comment-edit-submit = Salva le modifiche
comment-delete-confirm = Vuoi davvero eliminare questo commento? Non potrai recuperarlo.
comment-delete-submit = Elimina
form-cancel = Annulla
form-back = Torna indietro
form-refused-title = Non è stato possibile procedere
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
