"""The intake journey: a Prevent officer logs a referral a page at a time, checks the
answers, then confirms.

Each page's inputs are kept in the session under one key exactly as typed, once the page
is valid: a page that fails shows what was typed, and the other pages' answers stay as
they were. Nothing reaches the case record until the officer confirms.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods

from prevent_cases.exceptions import AccessDenied, NotFound
from prevent_cases.web.http_errors import domain_errors_as_http
from referrals.rules.intake import ReferralIntake, is_child
from referrals.rules.permissions import may_log_referrals
from referrals.selectors import subject_get_for_linking, subject_matches_for_user
from referrals.services.case import referral_create
from referrals.services.reads import subject_matches_read
from referrals.web.intake_forms import (
    NEW_PERSON,
    Answer,
    ChildPage,
    ConcernPage,
    IntakePage,
    LinkPage,
    PersonPage,
    ReferrerPage,
    format_day,
    trial_intake,
)

SESSION_KEY = "referral_intake"
PERSON, LINK, CHILD, REFERRER, CONCERN = "person", "link", "child", "referrer", "concern"
STEPS = (PERSON, LINK, CHILD, REFERRER, CONCERN)
URL_NAMES = {
    PERSON: "referrals:intake-person",
    LINK: "referrals:intake-matches",
    CHILD: "referrals:intake-child",
    REFERRER: "referrals:intake-referrer",
    CONCERN: "referrals:intake-concern",
}
TITLES = {
    PERSON: "The person",
    LINK: "Possible earlier referrals",
    CHILD: "Child details",
    REFERRER: "The referrer",
    CONCERN: "The concern",
}
PAGE_FORMS: dict[str, type[IntakePage]] = {
    PERSON: PersonPage,
    CHILD: ChildPage,
    REFERRER: ReferrerPage,
    CONCERN: ConcernPage,
}
# Which page asks for each field, so a refusal from the service is shown where it is fixed.
FIELD_STEPS = {field: step for step, form in PAGE_FORMS.items() for field in form.base_fields}


# A message tag the banner turns into a "Log another referral" link.
LOG_ANOTHER = "log-another"


def _officers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The same rule referral_create applies; checked first so no page of the journey
        # is shown to someone who could never finish it.
        membership = request.membership
        if not may_log_referrals(membership):
            raise AccessDenied("Only Prevent officers may log referrals (needs: prevent officer).")
        return view(request, *args, **kwargs)

    return domain_errors_as_http(wrapped)


class Journey:
    """The answers so far, and which pages still need them."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.membership = request.membership
        self.state = request.session.setdefault(
            SESSION_KEY, {"pages": {}, "errors": {}, "matches_found": False}
        )
        self._valid: dict[str, IntakePage | None] = {}

    @property
    def pages(self) -> dict:
        return self.state["pages"]

    @property
    def errors(self) -> dict:
        """Refusals from the service, by page and field, until that page is sent again."""
        return self.state["errors"]

    def form(self, step: str, data=None) -> IntakePage:
        if data is None and step in self.pages:
            data = MultiValueDict(self.pages[step])
        if step == CONCERN:
            return ConcernPage(data, default_area_id=self.membership.agency.area_id)
        return PAGE_FORMS[step](data)

    def valid_form(self, step: str) -> IntakePage | None:
        if step not in self._valid:
            form = self.form(step) if step in self.pages else None
            self._valid[step] = form if form is not None and form.is_valid() else None
        return self._valid[step]

    def intake(self) -> ReferralIntake:
        values: dict = {}
        for step in (PERSON, REFERRER, CONCERN):
            form = self.valid_form(step)
            if form is not None:
                values.update(form.intake_values())
        child = self.valid_form(CHILD)
        if child is not None and is_child(trial_intake(values)):
            values.update(child.intake_values())
        chosen = self.pages.get(LINK, {}).get("subject", [NEW_PERSON])[-1]
        if self.state["matches_found"] and chosen != NEW_PERSON:
            values["linked_subject_id"] = uuid.UUID(chosen)
        return trial_intake(values)

    def applies(self, step: str) -> bool:
        if step == LINK:
            return self.state["matches_found"]
        if step == CHILD:
            return is_child(self.intake())
        return True

    def complete(self, step: str) -> bool:
        if step == LINK:
            return LINK in self.pages
        return self.valid_form(step) is not None

    def first_incomplete(self, steps=STEPS) -> str | None:
        return next((s for s in steps if self.applies(s) and not self.complete(s)), None)

    def next_url(self, after: str) -> str:
        """The next page still to answer, or check your answers when there is none: so a
        change made from check your answers returns there."""
        later = STEPS[STEPS.index(after) + 1 :]
        step = self.first_incomplete(later) or self.first_incomplete()
        return reverse(URL_NAMES[step]) if step else reverse("referrals:intake-check")

    def back_url(self, step: str) -> str:
        if self.first_incomplete() is None:
            return reverse("referrals:intake-check")
        earlier = [s for s in STEPS[: STEPS.index(step)] if self.applies(s)]
        return reverse(URL_NAMES[earlier[-1]]) if earlier else reverse("referrals:list")

    def matches(self, form: PersonPage):
        data = form.cleaned_data
        return subject_matches_for_user(
            membership=self.membership,
            given_names=data["given_names"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
        )

    def save(self, step: str, raw: dict[str, list[str]]) -> None:
        self.pages[step] = raw
        self.errors.pop(step, None)
        self._valid.clear()
        self.request.session.modified = True

    def save_person(self, form: PersonPage) -> None:
        before = self.valid_form(PERSON)
        identity = ("given_names", "family_name", "date_of_birth")
        if before is None or any(before.cleaned_data[f] != form.cleaned_data[f] for f in identity):
            # A choice made for another name or date of birth no longer answers the question.
            self.pages.pop(LINK, None)
        self.set_matches_found(bool(self.matches(form)))
        self.save(PERSON, form.raw_data())

    def set_matches_found(self, found: bool) -> None:
        self.state["matches_found"] = found
        self.request.session.modified = True

    def record_refusal(self, error: ValidationError) -> None:
        for field, field_messages in error.message_dict.items():
            step = FIELD_STEPS.get(field, "check")
            self.errors.setdefault(step, {})[field] = field_messages
        self.request.session.modified = True

    def with_recorded_errors(self, step: str, form):
        """The form showing any refusal the service gave about this page's fields."""
        recorded = self.errors.get(step, {})
        if recorded and form.is_bound and form.is_valid():
            for field, field_messages in recorded.items():
                form.add_error(field, field_messages)
        return form

    def clear(self) -> None:
        self.request.session.pop(SESSION_KEY, None)


@_officers_only
@require_http_methods(["GET"])
def intake_start(request: HttpRequest) -> HttpResponse:
    """Start a new referral: answers left from an abandoned one are not carried into it."""
    Journey(request).clear()
    return redirect(URL_NAMES[PERSON])


def _page_context(journey: Journey, step: str, form) -> dict:
    return {"form": form, "title": TITLES[step], "back_url": journey.back_url(step)}


def _question_page(request: HttpRequest, step: str) -> HttpResponse:
    journey = Journey(request)
    missing = journey.first_incomplete(STEPS[: STEPS.index(step)])
    if missing:
        return redirect(URL_NAMES[missing])
    if not journey.applies(step):
        return redirect(journey.next_url(after=step))
    if request.method == "POST":
        form = journey.form(step, data=request.POST)
        if form.is_valid():
            if step == PERSON:
                journey.save_person(form)
            else:
                journey.save(step, form.raw_data())
            return redirect(journey.next_url(after=step))
    else:
        form = journey.with_recorded_errors(step, journey.form(step))
    return render(
        request,
        f"referrals/intake/{step}.html",
        _page_context(journey, step, form),
        status=400 if form.errors else 200,
    )


@_officers_only
@require_http_methods(["GET", "POST"])
def intake_person(request: HttpRequest) -> HttpResponse:
    """Who the referral is about."""
    return _question_page(request, PERSON)


@_officers_only
@require_http_methods(["GET", "POST"])
def intake_child(request: HttpRequest) -> HttpResponse:
    """Parent or guardian and school, asked only about a child."""
    return _question_page(request, CHILD)


@_officers_only
@require_http_methods(["GET", "POST"])
def intake_referrer(request: HttpRequest) -> HttpResponse:
    """Who made the referral."""
    return _question_page(request, REFERRER)


@_officers_only
@require_http_methods(["GET", "POST"])
def intake_concern(request: HttpRequest) -> HttpResponse:
    """The concern as told, and who is responsible for it."""
    return _question_page(request, CONCERN)


@_officers_only
@require_http_methods(["GET", "POST"])
def intake_matches(request: HttpRequest) -> HttpResponse:
    """People the agency already knows who may be the same person: link, or say new."""
    journey = Journey(request)
    person = journey.valid_form(PERSON)
    if person is None:
        return redirect(URL_NAMES[PERSON])
    matches = journey.matches(person)
    journey.set_matches_found(bool(matches))
    if not matches:
        # Nobody to choose from any more: the page is skipped, as it is when the person
        # page finds no one.
        return redirect(journey.next_url(after=LINK))
    stored = journey.pages.get(LINK)
    if request.method == "POST":
        form = LinkPage(request.POST, matches=matches)
        if form.is_valid():
            journey.save(LINK, form.raw_data())
            return redirect(journey.next_url(after=LINK))
    else:
        form = LinkPage(MultiValueDict(stored) if stored else None, matches=matches)
        journey.with_recorded_errors(LINK, form)
    subject_matches_read(actor=request.user, membership=request.membership, matches=matches)
    return render(
        request,
        "referrals/intake/matches.html",
        _page_context(journey, LINK, form),
        status=400 if form.errors else 200,
    )


@dataclass(frozen=True)
class Section:
    title: str
    url: str
    rows: list[Answer]


@dataclass(frozen=True)
class PageError:
    message: str
    href: str


def _link_answer(journey: Journey, intake: ReferralIntake) -> Answer:
    text = "None of these: a new person"
    if intake.linked_subject_id:
        subject = subject_get_for_linking(
            membership=journey.membership, subject_id=intake.linked_subject_id
        )
        born = f", born {format_day(subject.date_of_birth)}" if subject.date_of_birth else ""
        text = f"Linked to {subject.given_names} {subject.family_name}{born}"
    return Answer("Earlier referrals", text, "id_subject")


def _sections(journey: Journey, intake: ReferralIntake) -> list[Section]:
    sections = []
    for step in STEPS:
        if not journey.applies(step):
            continue
        url = reverse(URL_NAMES[step])
        if step == LINK:
            rows = [_link_answer(journey, intake)]
        else:
            rows = journey.valid_form(step).answers()
        sections.append(Section(TITLES[step], url, rows))
    return sections


def _page_errors(journey: Journey) -> list[PageError]:
    """The service's refusals, each linked to the field on the page that asks for it."""
    found = []
    for step, fields in journey.errors.items():
        for field, field_messages in fields.items():
            if step == "check":
                href = "#check-answers"
            else:
                href = f"{reverse(URL_NAMES[step])}#{journey.form(step)[field].id_for_label}"
            found.extend(PageError(message, href) for message in field_messages)
    return found


def _choose_again() -> HttpResponse:
    # The person chosen is no longer one the agency may link to (a grant ended, say). The
    # earlier-referrals page shows the choice as no longer valid, among those that are.
    return redirect(URL_NAMES[LINK])


@_officers_only
@require_http_methods(["GET", "POST"])
def intake_check(request: HttpRequest) -> HttpResponse:
    """Every answer, each with a way to change it, then log the referral."""
    journey = Journey(request)
    missing = journey.first_incomplete()
    if missing:
        return redirect(URL_NAMES[missing])
    intake = journey.intake()
    if request.method == "POST":
        try:
            referral = referral_create(
                actor=request.user, membership=journey.membership, intake=intake
            )
        except ValidationError as error:
            journey.record_refusal(error)
        except NotFound:
            return _choose_again()
        else:
            journey.clear()
            messages.success(
                request,
                f"Referral logged. Its reference is {referral.reference}.",
                extra_tags=LOG_ANOTHER,
            )
            return redirect("referrals:detail", referral_id=referral.pk)
    try:
        sections = _sections(journey, intake)
    except NotFound:
        return _choose_again()
    errors = _page_errors(journey)
    return render(
        request,
        "referrals/intake/check.html",
        {"sections": sections, "errors": errors},
        status=400 if errors else 200,
    )
