"""Pages of the fieldwork: talks, document requests, surveys. Thin: each form goes to its
service (onsite.interviews, onsite.document_requests, onsite.surveys), whose errors come
back next to the fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import access
from core.forms import error_text, post_form
from core.http import XLSX, attachment
from core.paging import paginate
from onsite.document_requests import (
    STATUSES,
    document_request_create,
    document_request_receive,
    document_request_review,
    document_request_update,
    document_requests_bulk_create,
    document_requests_for,
)
from onsite.fieldwork import may_change
from onsite.forms.fieldwork import (
    DateForm,
    DocumentRequestBulkForm,
    DocumentRequestForm,
    DocumentRequestUpdateForm,
    InterviewPlanForm,
    InterviewRecordForm,
    SurveyForm,
    SurveyImportForm,
)
from onsite.interviews import (
    interview_create,
    interview_notes_read,
    interview_record,
    interview_summary,
    interviews_for,
    interviews_plan_from_leaders,
    team_members_of,
)
from onsite.models import DocumentRequest, Interview, Survey
from onsite.surveys import (
    survey_create,
    survey_entry_rows,
    survey_results_enter,
    survey_results_import_upload,
    survey_table,
    survey_template_bytes,
    survey_update,
    surveys_for,
)
from planning.inspections import inspections_for


def _inspection(request, pk):
    return get_object_or_404(inspections_for(user=request.user).select_related("team"), pk=pk)


def _posting(request, inspection) -> bool:
    """A POST must come from someone who may change the inspection's records (403 otherwise)."""
    if request.method != "POST":
        return False
    access.check(request.user, "change", inspection)
    return True


# Talks


@login_required
def interview_list(request, pk):
    inspection = _inspection(request, pk)
    form = InterviewPlanForm(request.POST or None)
    if _posting(request, inspection):
        sent = post_form(
            request,
            form,
            lambda d: interview_create(actor=request.user, inspection=inspection, **d),
            back=reverse("onsite:interviews", args=[inspection.pk]),
            done=lambda interview: f"已将{interview.interviewee}列入谈话计划。",
        )
        if sent:
            return sent
    everything = interviews_for(user=request.user, inspection=inspection)
    counts, pending = interview_summary(everything.prefetch_related(None))
    qs = everything
    category, state, q = request.GET.get("category", ""), request.GET.get("state", ""), request.GET.get("q", "").strip()
    if category in Interview.Category.values:
        qs = qs.filter(category=category)
    if state == "held":
        qs = qs.filter(held_at__isnull=False)
    elif state == "planned":
        qs = qs.filter(held_at__isnull=True)
    if q:
        qs = qs.filter(interviewee__contains=q) | qs.filter(post__contains=q)
    context = {
        "inspection": inspection,
        "form": form,
        "page": paginate(request, qs),
        "counts": counts,
        "pending": pending,
        "totals": {"planned": sum(c.planned for c in counts), "held": sum(c.held for c in counts)},
        "categories": Interview.Category.choices,
        "filters": {"category": category, "state": state, "q": q},
        "can_change": may_change(request.user, inspection),
    }
    return render(request, "onsite/interview_list.html", context)


@login_required
@require_POST
def interview_plan_from_leaders_view(request, pk):
    inspection = _inspection(request, pk)
    try:
        result = interviews_plan_from_leaders(actor=request.user, inspection=inspection)
    except ValidationError as e:
        messages.error(request, error_text(e))
    else:
        skipped = f"（{'、'.join(result.skipped)}已在计划中）" if result.skipped else ""
        if result.created:
            names = "、".join(i.interviewee for i in result.created)
            messages.success(request, f"已从领导班子名单添加 {len(result.created)} 名谈话对象：{names}。{skipped}")
        else:
            messages.info(request, "领导班子成员均已在谈话计划中，没有新增。")
    return redirect("onsite:interviews", inspection.pk)


@login_required
def interview_detail(request, pk):
    interview = get_object_or_404(interviews_for(user=request.user).select_related("inspection__team"), pk=pk)
    inspection = interview.inspection
    members = team_members_of(inspection)
    notes = interview_notes_read(user=request.user, interview=interview)
    initial = {
        "held_at": interview.held_at,
        "place": interview.place,
        "interviewers": list(interview.interviewers.all()),
        "notes": notes or "",
    }
    form = InterviewRecordForm(request.POST or None, request.FILES or None, members=members, initial=initial)
    if _posting(request, inspection):

        def act(data):
            return interview_record(
                actor=request.user,
                interview=interview,
                held_at=data["held_at"],
                interviewers=list(data["interviewers"]),
                place=data["place"],
                notes=data["notes"],
                uploads=data["uploads"],
            )

        back = reverse("onsite:interview", args=[interview.pk])
        if sent := post_form(request, form, act, back=back, done=f"已记录与{interview.interviewee}的谈话。"):
            return sent
    context = {
        "inspection": inspection,
        "interview": interview,
        "notes": notes,
        "may_read_notes": notes is not None,
        "attachments": list(interview.attachments.all()) if notes is not None else [],
        "form": form,
        "members": members,
        "can_change": may_change(request.user, inspection),
    }
    return render(request, "onsite/interview_detail.html", context)


# Document requests


@login_required
def document_request_list(request, pk):
    inspection = _inspection(request, pk)
    which = request.POST.get("form", "single")
    # Bound only to the POST that submitted it: an empty QueryDict (a GET, the redirect after a
    # success) would bind the untouched form and show "required" on every field.
    posted = request.POST if request.method == "POST" else None
    single = DocumentRequestForm(posted if which == "single" else None)
    bulk = DocumentRequestBulkForm(posted if which == "bulk" else None)
    if _posting(request, inspection):
        form = bulk if which == "bulk" else single
        create = document_requests_bulk_create if which == "bulk" else document_request_create

        def done(made):
            return f"已添加 {len(made)} 项调阅资料。" if which == "bulk" else f"已添加调阅资料“{made.title}”。"

        sent = post_form(
            request,
            form,
            lambda d: create(actor=request.user, inspection=inspection, **d),
            back=reverse("onsite:document_requests", args=[inspection.pk]),
            done=done,
        )
        if sent:
            return sent
    qs = document_requests_for(user=request.user, inspection=inspection)
    status, q = request.GET.get("status", ""), request.GET.get("q", "").strip()
    if status in STATUSES:
        qs = qs.filter(STATUSES[status][1])
    if q:
        qs = qs.filter(title__contains=q)
    everything = document_requests_for(user=request.user, inspection=inspection)
    context = {
        "inspection": inspection,
        "single": single,
        "bulk": bulk,
        "which": which,
        "page": paginate(request, qs),
        "statuses": [(k, label) for k, (label, _) in STATUSES.items()],
        "filters": {"status": status, "q": q},
        "overdue_count": everything.filter(overdue=True).count(),
        "can_change": may_change(request.user, inspection),
    }
    return render(request, "onsite/document_request_list.html", context)


@login_required
def document_request_detail(request, pk):
    found = get_object_or_404(document_requests_for(user=request.user), pk=pk)
    inspection = found.inspection
    # The form works on its own copy: the service compares the stored values with the new ones.
    copy = DocumentRequest.objects.get(pk=found.pk)
    form = DocumentRequestUpdateForm(request.POST or None, request.FILES or None, instance=copy)
    if _posting(request, inspection):

        def act(d):
            data = dict(d)
            uploads = data.pop("uploads")
            return document_request_update(actor=request.user, document_request=found, uploads=uploads, **data)

        back = reverse("onsite:document_request", args=[found.pk])
        if sent := post_form(request, form, act, back=back, done="已保存。"):
            return sent
        found = document_requests_for(user=request.user).get(pk=pk)  # as stored, not as typed
    context = {
        "inspection": inspection,
        "item": found,
        "form": form,
        "attachments": list(found.attachments.all()),
        "can_change": may_change(request.user, inspection),
    }
    return render(request, "onsite/document_request_detail.html", context)


def _document_request_mark(request, pk, service, done):
    found = get_object_or_404(document_requests_for(user=request.user), pk=pk)
    form = DateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"on": form.errors["on"]})
        service(actor=request.user, document_request=found, on=form.cleaned_data["on"])
    except ValidationError as e:
        messages.error(request, f"“{found.title}”：{error_text(e)}")
    else:
        messages.success(request, f"“{found.title}”{done}")
    if request.POST.get("back") == "detail":
        return redirect("onsite:document_request", found.pk)
    return redirect("onsite:document_requests", found.inspection_id)


@login_required
@require_POST
def document_request_receive_view(request, pk):
    def receive(*, actor, document_request, on):
        return document_request_receive(actor=actor, document_request=document_request, received_on=on)

    return _document_request_mark(request, pk, receive, "已标记为收到。")


@login_required
@require_POST
def document_request_review_view(request, pk):
    def review(*, actor, document_request, on):
        return document_request_review(actor=actor, document_request=document_request, reviewed_on=on)

    return _document_request_mark(request, pk, review, f"已标记为由{request.user.display_name}审阅。")


# Surveys


@login_required
def survey_list(request, pk):
    inspection = _inspection(request, pk)
    form = SurveyForm(request.POST or None)
    if _posting(request, inspection):
        sent = post_form(
            request,
            form,
            lambda d: survey_create(actor=request.user, inspection=inspection, **d),
            back=lambda survey: reverse("onsite:survey", args=[survey.pk]),
            done=lambda survey: f"已添加“{survey.title}”，请在页面填写或导入统计结果。",
        )
        if sent:
            return sent
    context = {
        "inspection": inspection,
        "form": form,
        "page": paginate(request, surveys_for(user=request.user, inspection=inspection)),
        "can_change": may_change(request.user, inspection),
    }
    return render(request, "onsite/survey_list.html", context)


def _survey_page(request, survey, *, form=None, import_form=None, entry=None, entry_errors=(), status=200):
    inspection = survey.inspection
    stored = Survey.objects.get(pk=survey.pk)  # the table shows what is stored
    options, rows = entry or survey_entry_rows(stored)
    context = {
        "inspection": inspection,
        "survey": stored,
        "form": form or SurveyForm(instance=stored),
        "import_form": import_form or SurveyImportForm(),
        "table": survey_table(stored),
        "can_change": may_change(request.user, inspection),
        "entry_options": options,
        "entry_rows": rows,
        "entry_errors": list(entry_errors),
    }
    return render(request, "onsite/survey_detail.html", context, status=status)


@login_required
def survey_detail(request, pk):
    survey = get_object_or_404(surveys_for(user=request.user), pk=pk)
    if not _posting(request, survey.inspection):
        return _survey_page(request, survey)
    form = SurveyForm(request.POST, instance=Survey.objects.get(pk=pk))
    sent = post_form(
        request,
        form,
        lambda d: survey_update(actor=request.user, survey=survey, **d),
        back=reverse("onsite:survey", args=[survey.pk]),
        done="已保存。",
    )
    return sent or _survey_page(request, survey, form=form)


@login_required
@require_POST
def survey_import(request, pk):
    survey = get_object_or_404(surveys_for(user=request.user), pk=pk)
    access.check(request.user, "change", survey.inspection)
    form = SurveyImportForm(request.POST, request.FILES)
    sent = post_form(
        request,
        form,
        lambda d: survey_results_import_upload(actor=request.user, survey=survey, upload=d["file"]),
        back=reverse("onsite:survey", args=[survey.pk]),
        done=lambda _: f"已导入 {len(survey.results['rows'])} 个项目的统计结果，原有结果已被替换。",
    )
    return sent or _survey_page(request, survey, import_form=form)


@login_required
@require_POST
def survey_enter(request, pk):
    """The counts typed into the page's table (one row an item, one column an option)."""
    survey = get_object_or_404(surveys_for(user=request.user), pk=pk)
    access.check(request.user, "change", survey.inspection)
    options = request.POST.getlist("option")
    items = request.POST.getlist("item")
    columns = [request.POST.getlist(f"count_{i}") for i in range(len(options))]
    rows = [[item, *(c[n] if n < len(c) else "" for c in columns)] for n, item in enumerate(items)]
    try:
        survey_results_enter(actor=request.user, survey=survey, options=options, rows=rows)
    except ValidationError as e:
        problems = [m for ms in e.message_dict.values() for m in ms]
        return _survey_page(request, survey, entry=(options, rows), entry_errors=problems, status=200)
    messages.success(request, f"已保存 {len(survey.results['rows'])} 个项目的统计结果，原有结果已被替换。")
    return redirect("onsite:survey", survey.pk)


@login_required
def survey_template(request):
    access.require_page(request.user, "change", Survey)
    kind = request.GET.get("kind", Survey.Kind.EVALUATION)
    name = "问卷调查" if kind == Survey.Kind.QUESTIONNAIRE else "民主测评"
    return attachment(survey_template_bytes(kind), f"{name}结果导入模板.xlsx", XLSX)
