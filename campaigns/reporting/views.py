"""Reporting pages. Thin: numbers come from campaigns.reporting.selectors, writes from
campaigns.reporting.services; a report one may not read does not exist (404)."""

import csv
import mimetypes

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aux.errors import ApplicationError
from aux.files import serve_private
from campaigns.bookings.selectors import milestones_visible_to

from . import selectors as reporting
from . import services as reporting_services
from .forms import AnswerForm, QuestionForm, ResultForm
from .models import MilestoneResult


def _brief_for(request: HttpRequest, pk: int):
    brief = reporting.report_briefs_for(user=request.user).filter(pk=pk).first()
    if brief is None:
        raise Http404(_("No such brief."))
    return brief


@login_required
def brief_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign page of one brief: spend, contracts, deliverables, results, charts."""
    report = reporting.brief_report(brief=_brief_for(request, pk))
    return render(request, "campaigns/report.html",
                  {"r": report, "charts": reporting.brief_report_charts(report)})  # fmt: skip


@login_required
def brief_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    report = reporting.brief_report(brief=_brief_for(request, pk))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="aux-brief-{pk}-report.csv"'
    writer = csv.writer(response)
    writer.writerow(reporting.CSV_HEADER)
    for row in reporting.brief_report_rows(report):
        # Neutralise spreadsheet formulas in text cells (titles and names are user input).
        # (v[:1] of an empty cell is "", which `in` finds in any string: not a formula.)
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] and v[:1] in "=+-@" else v
                         for v in row])  # fmt: skip
    return response


@login_required
def brand_reports(request: HttpRequest, slug: str) -> HttpResponse:
    brand = reporting.report_brands_for(user=request.user).filter(slug=slug).first()
    if brand is None:
        raise Http404(_("No such brand."))
    report = reporting.brand_report(brand=brand)
    return render(request, "campaigns/report_brand.html",
                  {"r": report, "charts": reporting.brand_report_charts(report)})  # fmt: skip


@staff_member_required
def marketplace(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/report_marketplace.html",
                  {"r": reporting.marketplace_overview()})  # fmt: skip


@login_required
def result_screenshot(request: HttpRequest, pk: int) -> HttpResponse:
    """A figure's screenshot (an image we re-encoded, shown inline) for whom may read it."""
    result = reporting.result_visible_to(user=request.user, pk=pk)
    if result is None or not result.screenshot:
        raise Http404(_("No such file."))
    name = result.screenshot.name.rsplit("/", 1)[-1]
    return serve_private(result.screenshot, filename=name, inline=True,
                         content_type=mimetypes.guess_type(name)[0])  # fmt: skip


def _back(milestone_id: int, contract_id: int) -> HttpResponse:
    url = reverse("bookings:contract_detail", args=[contract_id])
    return redirect(f"{url}#results-{milestone_id}")


@login_required
@require_POST
def result_report(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestones_visible_to(user=request.user).filter(pk=pk).first()
    if milestone is None:
        raise Http404(_("No such deliverable."))
    form = ResultForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Check the figure: ") + form.errors.as_text())
        return _back(milestone.pk, milestone.contract_id)
    data = form.cleaned_data
    try:
        reporting_services.result_report(
            actor=request.user, milestone=milestone, kind=data["kind"], value=data["value"],
            evidence_url=data.get("evidence_url") or "", screenshot=data.get("screenshot"),
            note=data.get("note") or "",
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Result reported."))
    return _back(milestone.pk, milestone.contract_id)


def _result_for(request: HttpRequest, pk: int) -> MilestoneResult:
    visible = milestones_visible_to(user=request.user).values("pk")
    result = (
        MilestoneResult.objects.select_related(
            "milestone__contract__brand", "milestone__contract__artist"
        )
        .filter(pk=pk, milestone__in=visible)
        .first()
    )
    if result is None:
        raise Http404(_("No such result."))
    return result


@login_required
@require_POST
def result_question(request: HttpRequest, pk: int) -> HttpResponse:
    result = _result_for(request, pk)
    form = QuestionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        reporting_services.result_question(
            actor=request.user, result=result, question=form.cleaned_data["question"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Question sent to the artist."))
    return _back(result.milestone_id, result.milestone.contract_id)


@login_required
@require_POST
def result_answer(request: HttpRequest, pk: int) -> HttpResponse:
    result = _result_for(request, pk)
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        reporting_services.result_answer(
            actor=request.user, result=result, answer=form.cleaned_data.get("answer") or "",
            value=form.cleaned_data.get("value"),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Answer recorded."))
    return _back(result.milestone_id, result.milestone.contract_id)
