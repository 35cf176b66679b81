# Prassi's pages: English. Every key is also in ../it/prassi.ftl (a test checks it). Keys are
# grouped by page.

## The frame of every page
site-tagline = Good practices of public administrations
slim-brand = Federated network of good practices
skip-to-content = Skip to main content
skip-to-footer = Skip to footer
lang-switch = Language of the site
lang-current = current language
nav-main = Main menu
nav-home = Home
nav-search = Search
nav-rankings = Rankings
nav-topics = Topics
nav-calls = Calls
nav-organizations = Organisations
search-label = Search the practices
search-placeholder = For example: participatory budgeting
search-submit = Search
footer-open-data = Open data
footer-catalog-jsonld = DCAT-AP_IT catalogue (JSON-LD)
footer-catalog-csv = List of practices (CSV)
footer-developers = For developers
footer-api = API (OpenAPI)
footer-nodeinfo = NodeInfo
footer-fediverse = On the fediverse
footer-fediverse-text = Follow organisations and practices from Mastodon or another Prassi instance: every page shows the address to follow.
footer-legal = Legal notes
footer-accessibility = Accessibility statement
footer-privacy = Privacy policy
footer-software = Prassi, free software (AGPL-3.0)

## Components
pager-label = Pages
pager-prev = Previous page
pager-next = Next page
pager-page = Page { $page }
page-of = Page { $page } of { $pages }
practices-count = { $count ->
    [0] No practice
    [one] 1 practice
   *[other] { $count } practices
}
card-by = by { $org }
card-read = Read the practice
alert-info = Information
alert-error = Error

## Home
home-title = Good practices of public administrations
home-intro = Public administrations tell here what worked, with its results and lessons learned, so that others can reuse it. Read, comment on and endorse the practices you know.
home-search-title = Find a practice
home-latest = Latest practices
home-recognised = Recognised practices
home-recognised-none = No practice has been recognised by a commission yet.
home-organizations = Organisations
home-topics = Topics
home-none = No practice has been published yet.
home-all = All practices

## Errors
not-found-title = Page not found
not-found-text = The address matches no page of this site: it may be mistyped, or the page has moved.
back-home = Back to the home page
gone-title = Content deleted
gone-text = This content was deleted by whoever had published it.

## Accessibility
a11y-title = Accessibility statement
a11y-intro = { $site } is committed to making its site accessible, in accordance with Italian law no. 4 of 9 January 2004 and AgID's guidelines on the accessibility of IT tools.
a11y-status-title = Compliance status
a11y-status = The pages are written to meet WCAG 2.1 level A and AA: every page is checked automatically with axe-core in both languages, can be used with the keyboard alone and works without JavaScript.
a11y-limits-title = Content that is not accessible
a11y-limits = Documents attached to practices (PDF and others) are uploaded by the administrations that publish them, which are responsible for them.
a11y-feedback-title = Feedback
a11y-feedback = To report an accessibility problem, write to the administrator of this instance; if no answer comes within 30 days, or it is not satisfactory, you can turn to AgID's Digital Ombudsman.

## Privacy
privacy-title = Privacy policy
privacy-intro = This instance processes only the personal data it needs to work.
privacy-data-title = Which data
privacy-data = Of those who sign up: user name, e-mail address and password (kept only as an Argon2 hash). Of those who take part: comments, endorsements and how far they have read practices. Visitors who do not sign up leave no data beyond the server's technical logs.
privacy-cookies-title = Cookies
privacy-cookies = The site uses technical cookies only: the chosen language and, for those who log in, the session. No profiling cookie, no third-party tool: every file of the page comes from this server.
privacy-federation-title = Federation
privacy-federation = Comments and endorsements are public and are sent, with ActivityPub, to the instances that follow the organisation or the practice.
privacy-rights-title = Your rights
privacy-rights = You can ask the administrator of this instance to see, correct or delete your data (articles 15-22 of EU Regulation 2016/679).

## Follow from your server
follow-box-title = Follow from your server
follow-box-text = Do you have an account on Mastodon or another fediverse server? Enter your address: we take you to your server, where you confirm.
follow-account-label = Your account
follow-account-hint = As name@server, for example mario@mastodon.social
follow-submit = Continue
follow-page-title = Follow { $name } from your server
follow-unknown = There is no account to follow at this address here.
follow-go-title = Continue on your server
follow-go-text = Your server, { $server }, will ask you to confirm that you want to follow { $name }.
follow-go = Go to { $server }
follow-change = Use another account
follow-error-bad-handle = Enter your account as name@server, for example mario@mastodon.social.
follow-error-no-account = The server { $server } has no account { $account }. Check that you typed it correctly.
follow-error-unreachable = The server { $server } does not answer. Check the address or try again later.
follow-error-no-template = The server { $server } does not allow following from another site. Search for { $handle } on your server and follow it from there.
authorize-title = Follow { $name }?
authorize-text = With your account { $me } you will follow { $handle } and see what it publishes.
authorize-submit = Follow
authorize-cancel = Cancel
authorize-see = Go to the page
authorize-done-title = You now follow { $name }
authorize-done-text = You will see the new practices of { $name }.
authorize-pending-title = Request sent
authorize-pending-text = You asked to follow { $name }: their server will confirm shortly.
authorize-error-title = Cannot follow
authorize-error-text = We cannot find this account, or its server does not answer. Try again later.
