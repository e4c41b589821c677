"""`{% contract_results %}`: the results block of a contract page (one query for all figures)."""

from django import template

from campaigns.reporting import selectors as reporting
from campaigns.reporting.forms import AnswerForm, QuestionForm, ResultForm
from campaigns.reporting.models import MilestoneResult
from campaigns.reporting.services import REPORTABLE_STATUSES

register = template.Library()


@register.inclusion_tag("campaigns/partials/report_results.html", takes_context=True)
def contract_results(context) -> dict:
    contract = context["contract"]
    side = context.get("side")
    can_act = context.get("can_act")
    milestones = list(context.get("milestones") or [])
    grouped = reporting.results_for_milestones(milestone_ids=[m.pk for m in milestones])
    rows = [
        {
            "milestone": m,
            "results": grouped.get(m.pk, []),
            "can_report": side == "artist" and m.status in REPORTABLE_STATUSES,
            # Distinct ids per deliverable (the page holds one form per deliverable).
            "form": ResultForm(auto_id=f"result-{m.pk}-%s"),
        }
        for m in milestones
        if m.status in REPORTABLE_STATUSES or grouped.get(m.pk)
    ]
    return {
        "contract": contract, "rows": rows, "side": side,
        "can_question": side == "brand" and bool(can_act),
        "question_form": QuestionForm(), "answer_form": AnswerForm(),
        "questioned": MilestoneResult.Status.QUESTIONED, "csrf_token": context.get("csrf_token"),
    }  # fmt: skip
