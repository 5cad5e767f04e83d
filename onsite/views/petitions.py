"""Petition pages: the team's list, entry form and petition page, and the public reporting
pages under /p/ (no login, phone first). Thin: every decision is in onsite.petitions."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core import access
from core.forms import apply_service_errors, error_text, is_id, post_form
from core.paging import paginate
from core.ratelimit import RateLimited, client_tag
from onsite.duplicates import similar_petitions
from onsite.forms.petitions import (
    FollowUpForm,
    IntakeForm,
    MessageForm,
    PetitionForm,
    PublicReportForm,
    ReceiptForm,
    TriageForm,
)
from onsite.models import Petition
from onsite.papers import may_write
from onsite.petitions import (
    IDENTITY_FIELDS,
    IDENTITY_HIDDEN,
    intake_candidates,
    intake_designate,
    intake_members,
    intake_revoke,
    petition_add_information,
    petition_create,
    petition_identity,
    petition_message_add,
    petition_public_state,
    petition_submit_public,
    petition_triage,
    petitions_for,
    public_open,
    receipt_lookup,
    reporter_additions,
    reporter_replies,
)
from onsite.public_limits import public_channel_lift, public_channel_state
from planning.documents import document_settings_for
from planning.inspections import inspections_for
from planning.models import Inspection


def _may(user, action: str, obj) -> bool:
    try:
        access.check(user, action, obj)
    except (Http404, PermissionDenied):
        return False
    return True


def _inspection(request, pk) -> Inspection:
    return get_object_or_404(inspections_for(user=request.user).select_related("team"), pk=pk)


@login_required
def petition_list(request, pk):
    inspection = _inspection(request, pk)
    user, f = request.user, request.GET
    qs = petitions_for(
        user=user,
        inspection=inspection,
        status=f.get("status", ""),
        channel=f.get("channel", ""),
        search=f.get("q", ""),
    )
    designate = access.may(user, "petition.designate_intake", inspection)
    context = {
        "inspection": inspection,
        "page": paginate(request, qs),
        "statuses": Petition.Status.choices,
        "channels": Petition.Channel.choices,
        "filters": {"status": f.get("status", ""), "channel": f.get("channel", ""), "q": f.get("q", "")},
        "can_change": _may(user, "change", inspection),
        "may_designate": designate,
        "intake": intake_members(inspection),
        "intake_form": IntakeForm(candidates=intake_candidates(inspection)) if designate else None,
        "channel": public_channel_state(actor=user, inspection=inspection)
        if designate and public_open(inspection)
        else None,
        "per_client": settings.XUNCHA["PUBLIC_SUBMISSIONS_PER_CLIENT_PER_HOUR"],
    }
    return render(request, "onsite/petition_list.html", context)


@login_required
@require_POST
def petition_channel_lift(request, pk):
    """Reopen the public channel that a flood of reports paused for the hour."""
    inspection = _inspection(request, pk)
    received = public_channel_lift(actor=request.user, inspection=inspection)
    messages.success(request, f"已恢复网上举报受理（本小时此前已收到 {received} 件）。")
    return redirect(reverse("onsite:petitions", args=[inspection.pk]) + "#public-channel")


@login_required
@require_POST
def petition_intake(request, pk):
    """Designate a team member for intake (``user``), or end a designation (``revoke``)."""
    inspection = _inspection(request, pk)
    if not access.may(request.user, "petition.designate_intake", inspection):
        raise PermissionDenied
    revoke = request.POST.get("revoke", "")
    try:
        if revoke:
            if not is_id(revoke):
                raise Http404
            user = get_object_or_404(intake_members(inspection), pk=revoke)
            intake_revoke(actor=request.user, inspection=inspection, user=user)
            messages.success(request, f"已取消{user.display_name}的信访受理人员指定。")
        else:
            form = IntakeForm(request.POST, candidates=intake_candidates(inspection))
            if not form.is_valid():
                raise ValidationError({"user": ["请选择本巡察组中有账号的成员。"]})
            user = form.cleaned_data["user"]
            intake_designate(actor=request.user, inspection=inspection, user=user)
            messages.success(request, f"已指定{user.display_name}为信访受理人员，可查看反映人信息。")
    except ValidationError as e:
        messages.error(request, error_text(e))
    return redirect("onsite:petitions", inspection.pk)


@login_required
@sensitive_post_parameters(*IDENTITY_FIELDS)
def petition_new(request, pk):
    inspection = _inspection(request, pk)
    access.check(request.user, "change", inspection)
    form = PetitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":

        def act(d):
            return petition_create(
                actor=request.user,
                inspection=inspection,
                channel=d["channel"],
                received_on=d["received_on"],
                subject=d["subject"],
                content=d["content"],
                accused=d["accused"],
                anonymous=d["anonymous"],
                **{k: d[k] for k in IDENTITY_FIELDS},
                uploads=d["attachments"],
            )

        sent = post_form(
            request,
            form,
            act,
            back=lambda petition: reverse("onsite:petition", args=[petition.pk]),
            done=lambda petition: f"已登记信访件“{petition.subject}”。",
        )
        if sent:
            return sent
    return render(request, "onsite/petition_form.html", {"inspection": inspection, "form": form})


def _detail(request, petition, *, triage_form=None, message_form=None):
    user = request.user
    can_change = _may(user, "change", petition)
    identity = petition_identity(actor=user, petition=petition, via="page")
    thread = petition.messages.select_related("author").prefetch_related("attachments")
    context = {
        "inspection": petition.inspection,
        "petition": petition,
        "identity": identity,
        "identity_hidden": IDENTITY_HIDDEN,
        "attachments": petition.attachments.all(),
        "disciplines": petition.disciplines.all(),
        "similar": similar_petitions(petition),
        "thread": thread,
        "can_change": can_change,
        "may_write_paper": petition.status == Petition.Status.IN_SCOPE and may_write(user, petition.inspection),
        "triage_form": triage_form or (TriageForm(petition=petition) if can_change else None),
        "message_form": message_form or (MessageForm() if can_change else None),
    }
    return render(request, "onsite/petition_detail.html", context)


def _petition(request, pk) -> Petition:
    qs = petitions_for(user=request.user).select_related("inspection__round__term", "focus_area", "entered_by")
    return get_object_or_404(qs, pk=pk)


@login_required
def petition_detail(request, pk):
    return _detail(request, _petition(request, pk))


@login_required
@require_POST
def petition_triage_view(request, pk):
    petition = _petition(request, pk)
    access.check(request.user, "change", petition)
    form = TriageForm(request.POST, petition=petition)

    def act(d):
        return petition_triage(
            actor=request.user,
            petition=petition,
            status=d["status"],
            disciplines=d["disciplines"],
            focus_area=d["focus_area"],
            forwarded_to=d["forwarded_to"],
            forwarded_on=d["forwarded_on"],
            duplicate_of=d["duplicate_of"],
        )

    def done(_):
        return f"已分办：{Petition.Status(form.cleaned_data['status']).label}。"

    sent = post_form(request, form, act, back=reverse("onsite:petition", args=[petition.pk]), done=done)
    return sent or _detail(request, petition, triage_form=form)


@login_required
@require_POST
def petition_message_view(request, pk):
    petition = _petition(request, pk)
    access.check(request.user, "change", petition)
    form = MessageForm(request.POST, request.FILES)
    internal = request.POST.get("internal") == "1"

    def act(d):
        return petition_message_add(
            actor=request.user, petition=petition, body=d["body"], internal=internal, uploads=d["attachments"]
        )

    done = "已记录内部意见。" if internal else "已答复，反映人凭查询码可以看到。"
    sent = post_form(request, form, act, back=reverse("onsite:petition", args=[petition.pk]), done=done)
    return sent or _detail(request, petition, message_form=form)


# --- the public pages (no login, no address recorded, CSRF on) ----------------------------


def _public(request, template, context, status=200):
    response = render(request, f"onsite/public/{template}", context, status=status)
    response["Cache-Control"] = "no-store"  # the receipt code must not come back from a cache
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _facts(inspection: Inspection) -> dict:
    rnd, team = inspection.round, inspection.team
    committee = f"中共{document_settings_for(inspection.authority).county_name}委"
    return {
        "team": f"{committee}{team.name}" if team else f"{committee}巡察组",
        "organization": inspection.organization.name,
        "entry_on": rnd.entry_on,
        "onsite_end_on": rnd.onsite_end_on,
        "duty_phone": team.duty_phone if team else "",
        "mailbox": team.mailbox if team else "",
        "email": team.email if team else "",
    }


@sensitive_post_parameters(*IDENTITY_FIELDS)
def public_report(request, public_id):
    qs = Inspection.objects.select_related("authority", "round", "organization", "team")
    inspection = get_object_or_404(qs, public_id=public_id)
    is_open = public_open(inspection)
    form = PublicReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and is_open and form.is_valid():
        d = form.cleaned_data
        try:
            _, code = petition_submit_public(
                inspection=inspection,
                subject=d["subject"],
                content=d["content"],
                accused=d["accused"],
                anonymous=d["anonymous"],
                **{k: d[k] for k in IDENTITY_FIELDS},
                uploads=d["attachments"],
                client=client_tag(request),
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        except RateLimited as e:
            form.add_error(None, str(e))
        else:
            groups = " ".join(code[i : i + 4] for i in range(0, len(code), 4))
            return _public(request, "submitted.html", {"facts": _facts(inspection), "code": groups})
    context = {"facts": _facts(inspection), "form": form, "open": is_open}
    return _public(request, "report.html", context, status=200)


RECEIPT_KEY = "xuncha_receipt"
RECEIPT_SECONDS = 600


def _held_petition(request) -> Petition | None:
    """The petition this browser opened with its code in the last ten minutes."""
    held = request.session.get(RECEIPT_KEY)
    if not held or held.get("until", 0) < time.time():
        request.session.pop(RECEIPT_KEY, None)
        return None
    related = ("inspection__organization", "inspection__team", "inspection__round", "inspection__authority")
    return Petition.objects.select_related(*related).filter(pk=held.get("petition")).first()


def public_receipt(request):
    """Follow up with the receipt code (posted, never in the address): read the replies, add
    information. The opened petition is held in the session for ten minutes."""
    petition = _held_petition(request)
    lookup = ReceiptForm()
    follow = FollowUpForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "end":
            request.session.pop(RECEIPT_KEY, None)
            return redirect("public:receipt")
        if action == "add" and petition is not None:
            follow = FollowUpForm(request.POST, request.FILES)
            sent = post_form(
                request,
                follow,
                lambda d: petition_add_information(petition=petition, body=d["body"], uploads=d["attachments"]),
                back="public:receipt",
                done="补充材料已提交，巡察组将一并研究。",
            )
            if sent:
                return sent
        elif action == "add":
            messages.info(request, "查看已超时，请重新输入查询码。")
            return redirect("public:receipt")
        else:
            lookup = ReceiptForm(request.POST)
            if lookup.is_valid():
                try:
                    found = receipt_lookup(lookup.cleaned_data["code"], client=client_tag(request))
                except RateLimited as e:
                    lookup.add_error("code", str(e))
                else:
                    if found is None:
                        lookup.add_error("code", "查询码无效")
                    else:
                        request.session.cycle_key()
                        request.session[RECEIPT_KEY] = {"petition": found.pk, "until": time.time() + RECEIPT_SECONDS}
                        return redirect("public:receipt")
            petition = None
    context = {"petition": petition, "lookup": lookup, "follow": follow}
    if petition is not None:
        context["replies"] = reporter_replies(petition)
        context["additions"] = reporter_additions(petition)
        context["state"] = petition_public_state(petition)
        context["facts"] = _facts(petition.inspection)
    return _public(request, "receipt.html", context)
