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

## Profiles (organisations, topics, persons, the instance)
profile-follow = Follow
profile-handle = Fediverse address
profile-followers = Followers
profile-followers-count = { $count ->
    [0] No follower yet
    [one] 1 follower
   *[other] { $count } followers
}
profile-stance-positive = In favour
profile-stance-negative = Against
profile-stance-neutral = Neutral
role-manager = Manager of practices
role-reviewer = Reviewer of the commission
## Search
search-title = Search practices
search-intro = Search the good practices of public administrations and filter by sector, place, stage and more.
search-building-title = Search is getting ready
search-building-text = This site is preparing its search index of practices. Try again shortly; meanwhile you can find practices from the pages of organisations and topics.
search-bad-params = Some parameters of the search are not valid. Correct the address or start a new search:
search-filters = Filters
search-sort = Sort by
search-sort-relevance = Relevance
search-sort-index = Good practice index
search-sort-recent = Most recent
search-apply = Apply filters
search-total = { $count ->
    [0] No results
    [one] 1 result
   *[other] { $count } results
}
search-corrected = Results for “{ $query }”
search-ignored = Words left out: { $words }
search-ticked = Active filters
search-remove = Remove the filter
search-none = No practice matches the search.
search-none-words = Check how the words are spelt, or use more general ones.
search-none-filters = Remove one or more filters.
search-none-all = See every practice
search-facet-country = Country
search-facet-region = Region
search-facet-level_of_government = Level of government
search-facet-sector = Sector
search-facet-innovation_type = Type of innovation
search-facet-stage = Stage
search-facet-participation = Participation
search-facet-sdg = Sustainable Development Goals
search-facet-year = Starting year
search-facet-recognition = Recognised by
search-facet-origin = Instance of origin
search-facet-organization = Administration
level-eu = European Union
level-national = National
level-regional = Regional
level-supra_local = Supra-local
level-local = Local
level-other_public_body = Other public body
org-kicker = Organisation
org-ipa = IPA code
org-level = Level of government
org-region = Region
org-website = Website
org-description = The good practices of { $name }, with their results and the organisation's ranking.
org-ranking = Ranking
org-rank = Ranked { $rank } of { $of } organisations, by the good index of its practices.
org-ranking-all = See the whole ranking
org-ranking-none = Not ranked yet: none of its practices has received endorsements that count.
org-practices = Its practices
org-practices-none = This organisation has not published any practice yet.
topic-kicker = Topic
topic-summary = Good practices in { $topic }. Follow the topic to receive every practice tagged with it.
topic-practices = Practices on this topic
topic-practices-none = No practice on this topic has been published yet.
topic-all = All topics
person-kicker = Profile
person-organization = Organisation
person-role = Role
person-comments = Public comments
person-comments-none = No public comment yet.
person-comment-on = On the practice
person-description = The public profile and comments of { $name }.
instance-kicker = This instance
instance-intro = { $site } is a Prassi instance: it publishes the good practices of its administrations and exchanges them with the other instances of the fediverse.
instance-description = The instance { $site }: how to follow it, its calls and the practices it recognised.

## Organisations
orgs-title = Organisations
orgs-intro = The public administrations that publish their good practices here, with how many each has published.
orgs-local = Organisations of this instance
orgs-none = No organisation has been created yet.
orgs-remote = Organisations of other instances
orgs-remote-intro = This instance also holds practices of these administrations, published on other instances.

## Topics
topics-title = Topics
topics-intro = Each topic gathers the practices of one sector of public administration. Follow a topic from the fediverse to receive its new practices.

## Rankings
rankings-title = Rankings
rankings-intro = Organisations and managers ranked by the good index of their practices: the endorsements of peers and citizens who read a practice in full.
rankings-how = How the score is computed
rankings-how-text = Each practice with at least one endorsement that counts has a good index from 0 to 100 %. The score of an organisation is a weighted average: (3 × μ + the sum of its practices' indexes) ÷ (3 + the number of those practices), where μ is the mean index of all the practices held here. An organisation with few practices therefore stays close to the mean until more endorsements arrive.
rankings-mean = The mean index of the practices held here (μ) is { $mean }.
rankings-orgs = Organisations
rankings-orgs-caption = Organisations by score, the highest first
rankings-none = No organisation is ranked yet: no practice has received endorsements that count.
rankings-managers = Managers
rankings-managers-intro = Only the managers who chose to be ranked appear here, by the practices whose team names them as manager.
rankings-managers-none = No manager has chosen to be ranked yet.
rankings-managers-caption = Managers by score, the highest first
rankings-rank = Rank
rankings-name = Name
rankings-score = Score
rankings-counted = Practices counted
rankings-sum = Sum of the indexes
rankings-row-explained = Score { $score }. Practices with endorsements that count: { $counted }; their indexes add up to { $sum }, weighed against the mean of { $mean }.

## Calls
calls-title = Calls for candidacies
calls-intro = The commission of this instance opens calls to recognise good practices. Administrations propose their practices; reviewers score them on the call's criteria, and the commission decides with its reasons.
calls-open = Open calls
calls-open-none = No call is open at the moment.
calls-closed = Closed calls
calls-closed-none = No call has closed yet.
calls-deadline = Deadline: { $date }
calls-recognised-link = { $count ->
    [0] No practice recognised yet
    [one] 1 practice recognised
   *[other] { $count } practices recognised
}
call-kicker = Call for candidacies
call-state = State
call-open = Open
call-closed = Closed
call-deadline = Deadline
call-conflicts = Conflicts of interest
call-conflicts-excluded = Reviewers of the proposing administration do not review its candidacies.
call-conflicts-allowed = Reviewers of any administration may review.
call-criteria = Criteria
call-criteria-intro = Each candidacy is scored from 1 to 5 on each of these criteria.
call-candidacies = Candidacies
call-candidacies-none = No practice has been proposed to this call yet.
call-candidacies-caption = Candidacies to this call, the latest first
call-recognised = Recognised practices
call-recognised-none = No practice of this call has been recognised yet.
call-recognised-badge = Recognised
call-all = All calls
candidacy-kicker = Candidacy
candidacy-title = Candidacy of “{ $practice }”
candidacy-practice = Practice
candidacy-organization = Organisation
candidacy-call = Call
candidacy-status = State
candidacy-since = Last change
candidacy-decision = The commission's decision
candidacy-decided = Decided on { $date }.
candidacy-scores = Mean score of the reviewers, from 1 to 5, per criterion
candidacy-criterion = Criterion
candidacy-mean = Mean score
candidacy-pending = The commission has not decided yet.
candidacy-practice-gone = A practice no longer published
recognised-title = Recognised practices
recognised-intro = The practices the commission of this instance recognised in its calls, the latest first.
recognised-none = No practice has been recognised yet.

## Comment
comment-kicker = Comment
comment-title = Comment by { $author }
comment-edited = edited on { $date }
comment-parent = The comment it answers
comment-practice = Read the practice “{ $practice }”
comment-deleted-title = Comment deleted
comment-deleted-text = This comment was deleted by its author.

## Practice
practice-by = Published by
practice-media = Pictures, videos and documents
practice-document = Document
practice-summary = In short
practice-description = Description
practice-impact = Impact
practice-lessons_learned = Lessons learned
practice-challenges = Challenges
practice-replication = How to replicate it
practice-indicators = Indicators
practice-indicator = Indicator
practice-baseline = Baseline
practice-value = Value reached
practice-evidence = Evidence
practice-evidence-link = See the data
practice-evidence-title = Evidence and data
practice-team = Team
practice-manager = Manager
practice-partners = Consultants and partners
practice-links = Related links
practice-facts = At a glance
practice-stage = Stage
practice-level = Level of government
practice-sectors = Sectors
practice-innovation = Type of innovation
practice-participation = Participation
practice-methods = Participation methods
practice-place = Place
practice-period = Period
practice-since = since { $start }, ongoing
practice-beneficiaries = Beneficiaries
practice-sdgs = Sustainable Development Goals
practice-licence = Content licence
practice-budget-amount = Budget
practice-funding = Funding sources
practice-recognitions = Recognitions
practice-candidacies = Candidacies
practice-follow = Follow from the fediverse
practice-comments = Comments
practice-no-comments = No comments yet.
index-title = Good practice index
index-combined = Overall index
index-peer = Public administrations
index-citizen = Citizens
index-counts = Positive endorsements: { $positive }, negative: { $negative }; given after reading the whole practice: { $verified }; counted in the index: { $counted }.
index-unverified = { $count ->
    [0] No appreciation without reading.
    [one] 1 appreciation without reading (shown, not counted).
   *[other] { $count } appreciations without reading (shown, not counted).
}
index-none = The instance that publishes the practice has not computed its index yet.
index-how = How it is computed
index-explain = The index goes from 0 to 100 and is a cautious estimate of the share of positive endorsements: the lower bound of the 95% Wilson interval. Only endorsements from people who read the whole practice count, and none from the practice's own administration. Public administrations weigh 70%, citizens 30%.
index-source-here = Computed by this instance.
index-source-owner = Computed by the instance that publishes the practice.
index-observed = Endorsements seen by this instance: { $counts }.
stance-positive = In favour
stance-negative = Against
stance-neutral = Neutral
comment-removed = Comment deleted.
comment-edited-mark = (edited)
comment-reply = Reply
comment-edit = Edit
comment-delete = Delete
comment-replies = Replies
## Account
account-login = Log in
account-logout = Log out
account-signed-in-as = Signed in as
account-go-login = Go to log-in
field-username = Username
field-email = E-mail address
field-password = Password
field-new-password = New password
login-title = Log in
login-submit = Log in
login-forgot = Forgot your password?
login-no-account = No account yet?
login-signup = Sign up
login-wrong = Wrong username or password.
login-throttled = Too many failed attempts. Try again in { $seconds } seconds.
login-pending-mail = Your account is not active yet: open the link we sent you by e-mail to confirm your address.
login-pending-approval = Your account is not active yet: an administrator must approve it.
login-failed-server = The log-in could not be completed. Try again shortly.
login-confirmed = Address confirmed. You can log in now.
login-after-reset = Password changed. Log in with your new password.
login-logged-out = You are logged out. See you soon!
signup-title = Sign up
signup-intro-mail = With an account you can read, endorse and comment on good practices. We will send you an e-mail to confirm your address.
signup-intro-approval = With an account you can read, endorse and comment on good practices. This site sends no e-mail: your account will be active once an administrator approves it.
signup-errors = Some fields are not right: check them below.
signup-username-help = 1 to 64 characters: lowercase letters, digits, dot, hyphen or underscore.
signup-password-help = At least 10 characters.
signup-consent = I have read the privacy notice and agree to the processing of my data.
signup-consent-link = Read the privacy notice
signup-submit = Sign up
signup-have-account = Already have an account?
signup-done-title = Sign-up received
signup-mail-sent = We sent an e-mail to { $email }: open the link in it to activate your account.
signup-awaiting-approval = Your account was created and waits for an administrator's approval. You can log in as soon as it is approved.
signup-failed = The request could not be completed. Try again shortly.
err-username-taken = This username is taken: choose another one.
err-username-invalid = Use 1 to 64 characters: lowercase letters, digits, dot, hyphen or underscore.
err-email-taken = There is already an account with this address.
err-email-invalid = Write a valid e-mail address, such as name@example.org.
err-password-short = The password must have at least 10 characters.
err-password-username = The password cannot be the same as the username.
err-consent-missing = To sign up you must agree to the processing of your data.
err-field-invalid = This field is not right.
forgot-title = Forgotten password
forgot-intro = Write your account's e-mail address: we will send you a link to choose a new password.
forgot-submit = Send the link
forgot-sent = If the address belongs to an account, you will soon get an e-mail with the link. It works for one hour, once.
forgot-no-mail = This site sends no e-mail: ask an administrator for a new password.
reset-title = Choose a new password
reset-submit = Save the password
link-invalid-title = Link not valid
link-invalid = The link is not valid, has expired or was already used.
csrf-title = Form expired
csrf-text = The form has expired or comes from another site, so nothing was done. Reload the page and try again.
error-title = Something went wrong
error-text = The operation could not be completed. Try again shortly.
mail-confirm-subject = Confirm your address on { $site }
mail-confirm-body = Hello, to activate your account on { $site } open this link within 3 days:

    { $link }

    If you did not sign up, ignore this e-mail.
mail-reset-subject = New password on { $site }
mail-reset-body = Hello, to choose a new password on { $site } open this link within one hour:

    { $link }

    If you did not ask for it, ignore this e-mail: your password stays as it was.

## Partecipa
take-part-title = Take part
take-part-page-title = Take part: { $title }
take-part-invite = Log in or sign up to read the practice to the end, endorse or oppose it and comment on it.
take-part-back = Back to the practice
reading-title = Reading
reading-complete = You have read the whole practice.
reading-left = { $left ->
    [one] One part is left to read.
   *[other] { $left } parts are left to read.
}
reading-part-read = read
reading-mark = Mark as read
part-summary = Summary
part-description = Description
part-impact = Impact
part-lessons-learned = Lessons learned
part-challenges = Challenges
part-replication = How to replicate it
part-attachment = Attachment { $n }
endorse-title = Your judgement
endorse-legend = Do you support this practice?
endorse-positive = Yes, I support it
endorse-negative = No, I am against it
endorse-why = The comment that says why (optional)
endorse-why-none = No comment
endorse-submit = Send your judgement
endorse-withdraw = Withdraw your judgement
endorse-yours-positive = You support this practice.
endorse-yours-negative = You are against this practice.
endorse-verified = reading verified
endorse-locked = You can give your judgement once you have read the whole practice.
endorse-locked-parts = { $left ->
    [one] You can give your judgement once you have read the whole practice: one part is still left.
   *[other] You can give your judgement once you have read the whole practice: { $left } parts are still left.
}
endorse-locked-time = { $minutes ->
    [one] You opened every part, but too quickly: at least one minute must pass between the first part and the last. Read it again calmly and mark the last part again.
   *[other] You opened every part, but too quickly: at least { $minutes } minutes must pass between the first part and the last. Read it again calmly and mark the last part again.
}
comment-form-title = Comment
comment-content = Your comment
comment-stance = Your position
comment-submit = Post the comment
stance-none = No position
comment-reply-title = Reply to the comment
comment-edit-title = Edit the comment
comment-delete-title = Delete the comment
comment-reply-submit = Post the reply
comment-edit-submit = Save the changes
comment-delete-confirm = Do you really want to delete this comment? You cannot get it back.
comment-delete-submit = Delete
form-cancel = Cancel
form-back = Go back
form-refused-title = This could not be done
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
