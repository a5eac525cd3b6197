"""Public satisfaction surveys (公众满意度调查): creating a survey and its links, issuing invitation tokens,
taking a citizen's answers (or a batch of paper questionnaires), and computing the results into indicator values.

The rules are the engine's (``jixiao.engine.surveys``: the quality checks, the aggregation, the margin of error);
this module feeds them the survey's responses in one query and writes what they find: each response's exclusion
(kept on the response; nothing is deleted), a ``Result`` per unit and indicator with its provenance, and the value
through the collection app's own write (``do_set_value``: checked, versioned and audited like any value).

Times: ``now`` is the caller's clock (a test's); None is the current time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.audit.services import record_event
from jixiao.collection.choices import ValueSource
from jixiao.collection.services import do_set_value, lang
from jixiao.core.choices import Action
from jixiao.core.errors import Problems, clean_text, validate
from jixiao.cycles.choices import CycleState
from jixiao.cycles.models import Cycle, Subject
from jixiao.cycles.services import lock_cycle, require_state
from jixiao.engine import surveys as rules

# One bulk path for the platform's large tables (COPY in, CSV text out on PostgreSQL): monitoring's.
from jixiao.monitoring.services import _frame, _insert
from jixiao.surveys.choices import Channel, SurveyMode, SurveyState
from jixiao.surveys.errors import SurveyInputError, SurveyLinkError, SurveyRateLimitedError, SurveyStateError
from jixiao.surveys.models import MAX_QUESTIONS, Question, Survey, SurveyLink, SurveyResponse, SurveyResult, SurveyToken

#: The most tokens issued per unit in one go.
MAX_TOKENS = 5000
#: The answers as stored, one digit per question.
DIGITS = frozenset("12345")
#: Rows per UPDATE when marking exclusions (well under any database's limit of parameters).
CHUNK = 5000


def _text(name: str, text: str, *, required: bool = True) -> str:
    return clean_text(name, text, SurveyInputError, required=required)


def new_key() -> str:
    """A key of a link or token: 16 URL-safe characters (96 random bits), not guessable."""
    return secrets.token_urlsafe(12)


def network_of(ip: str) -> str:
    """A keyed hash of an IP address: enough to count a network's answers, not to recover the address."""
    return hmac.new(settings.SECRET_KEY.encode(), (ip or "").encode(), hashlib.sha256).hexdigest()[:16]


def fingerprint_of(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def survey_indicators(cycle: Cycle) -> list[Any]:
    """The scheme's measured (not rating) indicators whose data come from a survey: those a question may map to."""
    return [leaf for leaf in cycle.scheme.engine.measured_leaves if leaf.source == "survey"]


def _applicable(cycle: Cycle, codes: Iterable[str]) -> QuerySet[Subject]:
    """The cycle's subjects to which at least one of the indicators applies (by category)."""
    leaves = [leaf for leaf in survey_indicators(cycle) if leaf.code in set(codes)]
    subjects = Subject.objects.filter(cycle=cycle).order_by("code")
    if any(leaf.only is None for leaf in leaves):
        return subjects
    return subjects.filter(category__in=sorted({c for leaf in leaves for c in (leaf.only or ())}))


def _locked(survey: Survey, actor: Any) -> Survey:
    """The survey for a change by ``actor``, its row locked: two office actions on it (tokens, closing,
    computing) run one after the other."""
    Survey.objects.get_for(actor, Action.CHANGE, pk=survey.pk)
    locked: Survey = Survey.objects.select_for_update().select_related("cycle").get(pk=survey.pk)
    return locked


def _require_open(survey: Survey, step: str) -> None:
    if survey.state != SurveyState.OPEN:
        raise SurveyStateError(title=survey.title, step=step, state=SurveyState(survey.state).label)


# --- the office's steps ---------------------------------------------------------------------------------------

def do_create_survey(
    cycle: Cycle,
    title: str,
    questions: Sequence[tuple[str, str]],
    *,
    actor: Any,
    mode: str = SurveyMode.TOKEN,
    intro: str = "",
    min_seconds: int = int(rules.MIN_SECONDS),
    hourly_limit: int = 5,
) -> Survey:
    """Create a survey of a draft or open cycle with its questions (text, indicator code: a measured indicator of
    the scheme whose source is ``survey``), and a link for each unit the indicators apply to."""
    with transaction.atomic():
        Survey.objects.check_create(actor)
        cycle = lock_cycle(cycle)
        require_state(cycle, [CycleState.DRAFT, CycleState.OPEN], _("creating a survey"))
        allowed = {leaf.code for leaf in survey_indicators(cycle)}
        if not questions:
            raise SurveyInputError(field=_("questions"), problem=_("at least one question is needed"))
        if len(questions) > MAX_QUESTIONS:
            raise SurveyInputError(field=_("questions"), problem=_("at most %(n)s questions") % {"n": MAX_QUESTIONS})
        rows = []
        for number, (text, indicator) in enumerate(questions, start=1):
            field = f"Q{number}"
            text = _text(field, text)
            if len(text) > 500:
                raise SurveyInputError(field=field, problem=_("longer than 500 characters"))
            if indicator not in allowed:
                raise SurveyInputError(field=field, problem=_(
                    "“%(code)s” is not a measured indicator of the scheme whose data come from a survey "
                    "(choose from: %(allowed)s)") % {"code": indicator, "allowed": ", ".join(sorted(allowed)) or "-"})
            rows.append(Question(number=number, text=text, indicator=indicator))
        survey = Survey(cycle=cycle, title=_text(_("title"), title), intro=_text(_("introduction"), intro,
                                                                                 required=False),
                        mode=SurveyMode(mode), min_seconds=min_seconds, hourly_limit=hourly_limit,
                        created_by=actor if getattr(actor, "is_authenticated", False) else None,
                        created_at=timezone.now())
        validate(survey)
        survey.save()
        for q in rows:
            q.survey = survey
        Question.objects.bulk_create(rows)
        links = [SurveyLink(survey=survey, subject=s, key=new_key())
                 for s in _applicable(cycle, [q.indicator for q in rows])]
        SurveyLink.objects.bulk_create(links)
        record_event("survey.create", actor=actor, obj=survey, after={
            "cycle": cycle.code, "title": survey.title, "mode": survey.mode, "min_seconds": survey.min_seconds,
            "hourly_limit": survey.hourly_limit, "questions": [(q.text, q.indicator) for q in rows],
            "units": [link.subject.code for link in links]})
    return survey


def do_close_survey(survey: Survey, *, actor: Any) -> Survey:
    """Close a survey: its links and tokens take no more answers (its results can still be computed)."""
    with transaction.atomic():
        survey = _locked(survey, actor)
        _require_open(survey, _("close"))
        survey.state = SurveyState.CLOSED
        survey.save(update_fields=["state"])
        record_event("survey.close", actor=actor, obj=survey, before={"state": SurveyState.OPEN},
                     after={"state": survey.state})
    return survey


def do_issue_survey_tokens(survey: Survey, count: int, *, actor: Any,
                           subjects: Iterable[Subject] | None = None) -> dict[str, int]:
    """Issue ``count`` invitation tokens (邀请码) to each of the survey's units (or the ``subjects`` given): each
    answers the survey once. Only for a survey with tokens, while it is open. Returns the count per unit."""
    with transaction.atomic():
        survey = _locked(survey, actor)
        _require_open(survey, _("issue tokens for"))
        if survey.mode != SurveyMode.TOKEN:
            raise SurveyInputError(field=_("mode"), problem=_("an open-link survey has no invitation tokens"))
        if not 1 <= count <= MAX_TOKENS:
            raise SurveyInputError(field=_("count"), problem=_("from 1 to %(n)s per unit") % {"n": MAX_TOKENS})
        linked = Subject.objects.filter(pk__in=survey.links.values("subject_id")).order_by("code")
        if subjects is not None:
            wanted = {s.pk for s in subjects}
            linked = linked.filter(pk__in=wanted)
            if linked.count() != len(wanted):
                raise SurveyInputError(field=_("unit"), problem=_("not a unit of this survey"))
        now = timezone.now()
        issued = {}
        tokens = []
        for subject in linked:
            tokens += [SurveyToken(survey=survey, subject=subject, key=new_key(), created_at=now)
                       for _k in range(count)]
            issued[subject.code] = count
        SurveyToken.objects.bulk_create(tokens, batch_size=2000)
        record_event("survey.tokens", actor=actor, obj=survey, after={"issued": issued})
    return issued


# --- a citizen's answers --------------------------------------------------------------------------------------

def find_key(key: str) -> tuple[Survey, Subject, SurveyToken | None]:
    """The survey and unit a public link or token opens (the token, for a token): ``SurveyLinkError`` when the key
    is unknown, the token spent or the survey closed. Changes nothing."""
    token = SurveyToken.objects.select_related("survey__cycle", "subject").filter(key=key).first() if key else None
    link = None
    if token is None and key:
        link = SurveyLink.objects.select_related("survey__cycle", "subject").filter(key=key).first()
    if token is not None:
        survey, subject = token.survey, token.subject
    elif link is not None:
        survey, subject = link.survey, link.subject
    else:
        raise SurveyLinkError(problem=_("This survey link or invitation token is not known. Check the address."))
    if survey.state != SurveyState.OPEN:
        raise SurveyLinkError(problem=_("This survey is closed and takes no more answers. Thank you."))
    if token is not None and token.used_at is not None:
        raise SurveyLinkError(problem=_("This invitation token has already been used: each token answers the "
                                        "survey once."))
    return survey, subject, token


def check_answers(questions: int, answers: Sequence[Any] | str) -> str:
    """The answers (one per question, each 1-5; or the stored text itself, ``"45344"``) as stored, or
    ``SurveyInputError`` naming the first question missing or out of the scale."""
    text = answers if isinstance(answers, str) else "".join(str(a) for a in answers)
    if len(answers) == questions and len(text) == questions and set(text) <= DIGITS:
        return text
    text = "".join("" if a is None else str(a).strip() for a in answers)
    if len(answers) == questions and len(text) == questions and set(text) <= DIGITS:
        return text
    for number in range(1, questions + 1):
        given = str(answers[number - 1]).strip() if number <= len(answers) and answers[number - 1] is not None else ""
        if given not in DIGITS:
            raise SurveyInputError(field=f"Q{number}", problem=_("an answer from 1 to 5 is required"))
    raise SurveyInputError(field=_("answers"), problem=_("%(n)s answers expected") % {"n": questions})


def do_submit_survey_response(
    key: str,
    answers: Sequence[Any],
    *,
    actor: Any,
    started_at: datetime | None = None,
    ip: str = "",
    user_agent: str = "",
    channel: str = Channel.WEB,
    now: datetime | None = None,
) -> SurveyResponse:
    """Take a citizen's answers through a link or invitation token (``key``). A token is then spent; an open link
    refuses more than the survey's ``hourly_limit`` answers an hour from one network (HTTP 429), and flags (does
    not refuse) an answer whose fingerprint (network, browser, answers) was seen the same day. ``started_at``:
    when the page was loaded (its time to answer is checked when the results are computed)."""
    now = now or timezone.now()
    with transaction.atomic():
        survey, subject, token = find_key(key)
        if token is not None:
            # The race: the same token submitted twice at once (a double tap); the second waits and is refused.
            token = SurveyToken.objects.select_for_update().get(pk=token.pk)
            if token.used_at is not None:
                raise SurveyLinkError(problem=_("This invitation token has already been used: each token answers "
                                                "the survey once."))
        elif survey.mode == SurveyMode.TOKEN:
            raise SurveyLinkError(problem=_("This survey is answered with an invitation token."))
        else:
            # The race: answers from one network arriving together would each count the hour's answers before any
            # is saved; the unit's link row makes them take turns.
            SurveyLink.objects.select_for_update().filter(survey=survey, subject=subject).first()
        text = check_answers(survey.questions.count(), answers)
        network = network_of(ip)
        if token is None:
            recent = SurveyResponse.objects.filter(survey=survey, network=network,
                                                   submitted_at__gte=now - timedelta(hours=1))
            if recent.count() >= survey.hourly_limit:
                raise SurveyRateLimitedError(limit=survey.hourly_limit)
        fingerprint = fingerprint_of(network, user_agent or "", text)
        day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        flagged = SurveyResponse.objects.filter(survey=survey, fingerprint=fingerprint, submitted_at__gte=day).exists()
        seconds = max(0.0, (now - started_at).total_seconds()) if started_at is not None else None
        response = SurveyResponse(survey=survey, subject=subject, token=token, answers=text, seconds=seconds,
                            submitted_at=now, channel=Channel(channel), network=network, fingerprint=fingerprint,
                            flagged=flagged)
        validate(response, validate_unique=False, validate_constraints=False)
        response.save()
        if token is not None:
            token.used_at = now
            token.save(update_fields=["used_at"])
        record_event("survey.respond", actor=actor, obj=response, object_repr=f"{survey.title} / {subject.code}",
                     after={"unit": subject.code, "answers": text, "seconds": seconds, "channel": response.channel,
                            "token": token is not None, "flagged": flagged})
    return response


def _seconds(field: str, raw: Any) -> tuple[float | None, str | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        return None, field
    return (seconds, None) if np.isfinite(seconds) and seconds >= 0 else (None, field)


def do_load_survey_responses(
    survey: Survey,
    rows: Iterable[Sequence[Any]],
    *,
    actor: Any,
    label: str = "responses",
    now: datetime | None = None,
) -> dict[str, int]:
    """Load many responses at once (paper questionnaires typed into Excel, a telephone survey's file), all or
    nothing. Each row: (row number, unit code, answers in question order, seconds to answer or None, respondent
    or "" — an interview's respondent id: the same one twice the same day is a duplicate). A refusal names the
    row and column (``Q3``) of each problem. One audit event records the batch."""
    now = now or timezone.now()
    with transaction.atomic():
        survey = _locked(survey, actor)
        _require_open(survey, _("load responses into"))
        units = dict(survey.links.values_list("subject__code", "subject_id"))
        questions = survey.questions.count()
        problems = Problems()
        good: list[tuple[Any, ...]] = []
        per_unit: Counter[str] = Counter()
        # The words of a problem, translated once (a hundred thousand rows would look them up each).
        unit_col, seconds_col, not_seconds = _("unit"), _("seconds"), _("a number of seconds, 0 or more")
        for row in rows:
            number, unit, answers = row[0], row[1], row[2]
            seconds_raw = row[3] if len(row) > 3 else None
            respondent = str(row[4] or "") if len(row) > 4 else ""
            if unit not in units:
                problems.add((label, number, unit_col, _("“%(unit)s” is not a unit of this survey") % {"unit": unit}))
                continue
            try:
                text = check_answers(questions, answers)
            except SurveyInputError as exc:
                problems.add((label, number, str(exc.params["field"]), str(exc.params["problem"])))
                continue
            seconds, bad = _seconds(seconds_col, seconds_raw)
            if bad is not None:
                problems.add((label, number, bad, not_seconds))
                continue
            per_unit[unit] += 1
            good.append((survey.pk, units[unit], text, seconds, now, Channel.PAPER, "",
                         fingerprint_of(respondent, text) if respondent else "", False, ""))
        if problems:
            raise problems.refusal()
        _insert(SurveyResponse, ["survey_id", "subject_id", "answers", "seconds", "submitted_at", "channel", "network",
                           "fingerprint", "flagged", "exclusion"], good)
        counts = {"rows": len(good), **dict(sorted(per_unit.items()))}
        record_event("survey.load", actor=actor, obj=survey, object_repr=f"{survey.title} <- {label}",
                     after={"file": label, **counts})
    return counts


# --- results --------------------------------------------------------------------------------------------------

def _responses(survey: Survey) -> pl.DataFrame:
    """The survey's responses in the order they were recorded, in one query (on PostgreSQL read as CSV text:
    a hundred thousand rows as tuples cost more than the checks), each with its local day."""
    qs = (SurveyResponse.objects.filter(survey=survey).annotate(day=TruncDate("submitted_at")).order_by()
          .values_list("pk", "subject_id", "answers", "seconds", "fingerprint", "day", "exclusion"))
    schema: dict[str, Any] = {"pk": pl.Int64, "subject_id": pl.Int64, "answers": pl.Utf8, "seconds": pl.Float64,
                              "fingerprint": pl.Utf8, "day": pl.Date, "exclusion": pl.Utf8}
    frame = _frame(qs, schema).sort("pk")
    return frame.with_columns(pl.col("answers", "fingerprint", "exclusion").fill_null(""),
                              day=pl.col("day").cast(pl.Int64))


def _mark(survey: Survey, frame: pl.DataFrame, reasons: np.ndarray[Any, Any]) -> None:
    """Keep each response's reason on it, writing only those that changed (set-based, a few statements)."""
    changed = frame.with_columns(new=pl.Series(reasons.tolist(), dtype=pl.Utf8)).filter(
        pl.col("new") != pl.col("exclusion"))
    for reason, group in changed.group_by("new"):
        ids = group["pk"].to_list()
        for start in range(0, len(ids), CHUNK):
            SurveyResponse.objects.filter(survey=survey, pk__in=ids[start:start + CHUNK]).update(exclusion=reason[0])


def _checked(survey: Survey, questions: int) -> tuple[pl.DataFrame, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The survey's responses, their answers as a matrix and the reason each is excluded ("" when valid), the
    reasons kept on the responses."""
    frame = _responses(survey)
    matrix = rules.answers_matrix(frame["answers"].to_list(), questions)
    reasons = rules.reasons(frame["seconds"].fill_null(float("nan")).to_numpy(), matrix,
                            frame["fingerprint"].to_list(), frame["day"].to_numpy(),
                            min_seconds=float(survey.min_seconds))
    _mark(survey, frame, reasons)
    return frame, matrix, reasons


def _results(survey: Survey, frame: pl.DataFrame, matrix: np.ndarray[Any, Any], reasons: np.ndarray[Any, Any],
             now: datetime) -> list[SurveyResult]:
    """A result per unit of the survey and indicator its questions map to (where the indicator applies to the
    unit's category), unsaved."""
    questions = list(survey.questions.order_by("number"))
    subjects = list(Subject.objects.filter(pk__in=survey.links.values("subject_id")).order_by("code"))
    tokens: dict[int, int] = {}
    if survey.mode == SurveyMode.TOKEN:
        tokens = dict(SurveyToken.objects.filter(survey=survey).values_list("subject_id").annotate(n=Count("pk"))
                      .values_list("subject_id", "n"))
    received = Counter(frame["subject_id"].to_list())
    excluded: dict[int, dict[str, int]] = {}
    for (sid, reason), n in Counter(zip(frame["subject_id"].to_list(), reasons.tolist(), strict=True)).items():
        if reason:
            excluded.setdefault(sid, {})[reason] = n
    by_indicator: dict[str, list[int]] = {}
    for k, q in enumerate(questions):
        by_indicator.setdefault(q.indicator, []).append(k)
    scheme = survey.cycle.scheme.engine
    none = {"n": 0, "mean_answer": np.nan, "value": np.nan, "sd": np.nan, "margin": np.nan}
    results = []
    for indicator, columns in by_indicator.items():
        stats = {row["group"]: row for row in rules.aggregate(
            frame["subject_id"].to_numpy(), matrix[:, columns], reasons == rules.VALID, tokens or None,
        ).iter_rows(named=True)}
        only = scheme.node(indicator).only
        for subject in subjects:
            if only is not None and subject.category not in only:
                continue
            row = stats.get(subject.pk, none)
            n_tokens = tokens.get(subject.pk) if survey.mode == SurveyMode.TOKEN else None
            rate = received[subject.pk] / n_tokens if n_tokens else None
            result = SurveyResult(survey=survey, subject=subject, indicator=indicator, responses=received[subject.pk],
                                  valid=row["n"], excluded=excluded.get(subject.pk, {}), tokens=n_tokens, rate=rate,
                                  mean=_num(row["mean_answer"]), value=_num(row["value"], 2), sd=_num(row["sd"], 3),
                                  margin=_num(row["margin"], 3), computed_at=now)
            if result.value is not None:
                result.note = rules.note(result.valid, rate, row["margin"], lang())
            results.append(result)
    return results


def do_compute_survey(survey: Survey, *, actor: Any) -> list[SurveyResult]:
    """Run the quality checks over every response (too fast, straight-lining, duplicates; the reason kept on each
    response), then, per unit and mapped indicator, aggregate the valid responses (mean answer as 0-100, standard
    deviation, margin of error at 95 %, response rate in token mode) into a ``SurveyResult`` and write the value
    through ``do_set_value`` with the result in words as its note. A unit without a valid response gets a result
    and no value. The cycle must be open (values are written)."""
    with transaction.atomic():
        survey = _locked(survey, actor)
        require_state(lock_cycle(survey.cycle_id), [CycleState.OPEN], _("computing a survey"))
        frame, matrix, reasons = _checked(survey, survey.questions.count())
        now = timezone.now()
        results = _results(survey, frame, matrix, reasons, now)
        for result in results:
            if result.value is not None:
                do_set_value(result.subject, result.indicator, result.value, actor=actor, source=ValueSource.SURVEY,
                             note=result.note, explanation=result.note)
        # The results are derived and recomputed whole; the responses they come from are never deleted.
        SurveyResult.objects.filter(survey=survey).delete()
        SurveyResult.objects.bulk_create(results)
        survey.computed_at = now
        survey.save(update_fields=["computed_at"])
        counts = Counter(reasons.tolist())
        record_event("survey.compute", actor=actor, obj=survey, after={
            "responses": len(frame), "valid": counts[rules.VALID],
            "excluded": {r: counts[r] for r in rules.REASONS if counts[r]},
            "values": sum(r.value is not None for r in results)})
    return results


def _num(x: Any, digits: int = 4) -> float | None:
    return None if x is None or np.isnan(x) else round(float(x), digits)
