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
stance-positive = A favore
stance-negative = Contrario
stance-neutral = Neutrale
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
