"""Leads and transfers in pages: the team leader and the office head record leads, the
office transfers, the receiver signs for what it received and answers with the outcome."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core import access
from core.forms import error_text, post_form
from core.http import document_download
from core.paging import paginate
from core.pdf import pdf_require
from onsite.models import Finding
from planning.inspections import inspections_for
from results.forms.transfers import LeadForm, OutcomeForm, ReceiptForm, TransferFilterForm, TransferForm
from results.leads import (
    lead_create,
    lead_inspections_for,
    lead_subjects,
    leads_for,
    may_view_leads,
    may_view_leads_somewhere,
)
from results.models import Lead, Transfer
from results.transfer_documents import transfer_letter
from results.transfers import (
    FINDING_RECEIVER_KINDS,
    STATUSES,
    kind_of_lead,
    received_for,
    receivers_for,
    transfer_create,
    transfer_kinds_for,
    transfer_outcome_record,
    transfer_receive,
    transfer_status,
    transfers_for,
)

ITEMS = (Prefetch("leads", queryset=Lead.objects.only("id")), Prefetch("findings", queryset=Finding.objects.only("id")))


def _findings(user, inspection):
    return access.restrict(Finding.objects.filter(inspection=inspection), user, "view").order_by("id")


def _tag(rows, user, today=None):
    """Status and item counts on each transfer of a page (its leads and findings prefetched).

    Leads are counted only for those who may see leads: a count alone tells the office that a
    transfer of findings also carries a (perhaps sealed) lead."""
    today = today or timezone.localdate()
    show_leads = access.can(user, "view", Lead)
    for t in rows:
        t.status = transfer_status(t, today)
        t.status_label = STATUSES[t.status]
        t.lead_count = len(t.leads.all()) if show_leads else 0
        t.finding_count = len(t.findings.all())
    return rows


@login_required
def lead_index(request):
    """The inspections whose leads the user sees (the menu's 问题线索), with their counts."""
    user = request.user
    if not may_view_leads_somewhere(user):
        raise access.PageRefused(access.page_roles("change", Lead))
    qs, counts = lead_inspections_for(user=user)
    page = paginate(request, qs)
    for inspection in page:
        inspection.lead_count, inspection.open_count = counts.get(inspection.pk, (0, 0))
    return render(request, "results/lead_index.html", {"page": page})


@login_required
def lead_list(request, pk):
    user = request.user
    inspection = get_object_or_404(inspections_for(user=user), pk=pk)
    if not may_view_leads(user, inspection):
        raise Http404
    can_record = access.may(user, "lead.record", inspection)
    form = LeadForm(request.POST or None, findings=_findings(user, inspection))
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied

        def done(lead):
            sealed = "该线索已封存，移交前仅巡察办主任可以查看。" if lead.sealed else ""
            return f"已记录问题线索（编号 {lead.pk}）。{sealed}"

        sent = post_form(
            request,
            form,
            lambda d: lead_create(actor=user, inspection=inspection, **d),
            back=reverse("results:leads", args=[inspection.pk]),
            done=done,
        )
        if sent:
            return sent
    qs = leads_for(user=user, inspection=inspection).prefetch_related(
        Prefetch("transfers", queryset=Transfer.objects.order_by("sent_on"))
    )
    page = paginate(request, qs)
    subjects = lead_subjects(actor=user, leads=list(page))
    for lead in page:
        lead.s = subjects[lead.pk]
        lead.sent = next(iter(lead.transfers.all()), None)
    context = {
        "inspection": inspection,
        "page": page,
        "form": form,
        "can_record": can_record,
        "can_transfer": access.may(user, "transfer.send_leads", inspection),
    }
    return render(request, "results/leads.html", context)


def _transfer_url(pk: int) -> str:
    return reverse("results:transfer", args=[pk])


def _lead_choices(user, inspection) -> tuple[list[tuple[str, str]], dict[int, str]]:
    """The leads the office head may still transfer, labelled with their subject (an audited
    read), and the transfer kind each one's category goes with."""
    leads = list(leads_for(user=user, inspection=inspection).filter(transfers__isnull=True))
    subjects = lead_subjects(actor=user, leads=leads)
    out = []
    for lead in leads:
        s = subjects[lead.pk]
        who = f"{s['name']}（{s['post']}）" if s["post"] else s["name"]
        sealed = " · 封存" if lead.sealed else ""
        out.append((str(lead.pk), f"{lead.pk} · {who} · {lead.get_category_display()}{sealed}"))
    return out, {lead.pk: kind_of_lead(lead) for lead in leads}


def _transferable_findings(user, inspection, receivers):
    """The findings that can still go somewhere, and the receivers each already went to: a
    finding already sent to every receiver that takes findings is not offered again."""
    findings = _findings(user, inspection)
    takers = {r.pk for r in receivers if r.kind in FINDING_RECEIVER_KINDS}
    sent_to: dict[int, set[int]] = {}
    through = Transfer.findings.through.objects.filter(finding__in=findings)
    for finding_id, receiver_id in through.values_list("finding_id", "transfer__receiver_id"):
        sent_to.setdefault(finding_id, set()).add(receiver_id)
    done = [pk for pk, ids in sent_to.items() if takers and takers <= ids]
    return findings.exclude(pk__in=done), {pk: sorted(ids) for pk, ids in sent_to.items()}


@login_required
def transfer_inspection(request, pk):
    """The transfers of one inspection, their letters, and the office's form for a new one."""
    user = request.user
    inspection = get_object_or_404(inspections_for(user=user), pk=pk)
    if inspection.authority_id not in access.authorities_for(user, "view", Transfer):
        raise Http404
    kinds = transfer_kinds_for(user, inspection)
    can_send, head = bool(kinds), Transfer.Kind.LEADS in kinds
    form = None
    if can_send:
        receivers = receivers_for(user=user, action="change").filter(authority_id=inspection.authority_id)
        lead_choices, lead_kinds = _lead_choices(user, inspection) if head else ([], {})
        findings, sent_to = _transferable_findings(user, inspection, list(receivers))
        form = TransferForm(
            request.POST or None,
            kinds=kinds,
            receivers=receivers,
            lead_choices=lead_choices,
            lead_kinds=lead_kinds,
            findings=findings,
            sent_to=sent_to,
        )
    if request.method == "POST":
        if not can_send:
            raise PermissionDenied

        def act(data):
            ids = [int(x) for x in data.get("leads") or []]
            leads = list(leads_for(user=user, inspection=inspection).filter(pk__in=ids)) if ids else []
            return transfer_create(
                actor=user,
                inspection=inspection,
                receiver=data["receiver"],
                kind=data["kind"],
                leads=leads,
                findings=list(data["findings"]),
                sent_on=data["sent_on"],
            )

        def done(transfer):
            return (
                f"已移交{transfer.receiver.name}，移交函文号 {transfer.letter_number}，"
                f"办理结果反馈期限为 {transfer.due_on:%Y-%m-%d}。"
            )

        if sent := post_form(request, form, act, back=lambda transfer: _transfer_url(transfer.pk), done=done):
            return sent
    rows = _tag(list(transfers_for(user=user, inspection=inspection).prefetch_related(*ITEMS)), user)
    seen = set(leads_for(user=user, inspection=inspection).values_list("pk", flat=True))
    for t in rows:
        t.letter_ok = all(x.pk in seen for x in t.leads.all())
    context = {"inspection": inspection, "rows": rows, "form": form, "head": head}
    return render(request, "results/transfers.html", context)


@login_required
def transfer_detail(request, pk):
    user = request.user
    transfer = get_object_or_404(transfers_for(user=user), pk=pk)
    receiver = access.may(user, "transfer.answer", transfer)
    receipt = ReceiptForm(request.POST if request.POST.get("action") == "receipt" else None)
    outcome = OutcomeForm(request.POST if request.POST.get("action") == "outcome" else None)
    if request.method == "POST":
        if not receiver:
            raise PermissionDenied
        action = request.POST.get("action")
        form = receipt if action == "receipt" else outcome if action == "outcome" else None
        if form is None:
            messages.error(request, "未知的操作。")
            return redirect("results:transfer", transfer.pk)

        def receive(d):
            return transfer_receive(
                actor=user, transfer=transfer, received_on=d["received_on"], received_name=d["received_name"]
            )

        def answer(d):
            return transfer_outcome_record(
                actor=user, transfer=transfer, outcome=d["outcome"], detail=d["detail"], outcome_on=d["outcome_on"]
            )

        if action == "receipt":
            act, done = receive, "已确认签收。办理结束后请在此反馈办理结果。"
        else:
            act, done = answer, "已反馈办理结果。"
        if sent := post_form(request, form, act, back=_transfer_url(transfer.pk), done=done):
            return sent
    all_leads = list(transfer.leads.order_by("id"))
    visible = list(leads_for(user=user).filter(pk__in=[x.pk for x in all_leads]).order_by("id"))
    subjects = lead_subjects(actor=user, leads=visible)
    for lead in visible:
        lead.s = subjects[lead.pk]
    transfer.status = transfer_status(transfer)
    transfer.status_label = STATUSES[transfer.status]
    context = {
        "transfer": transfer,
        "leads": visible,
        "findings": transfer.findings.select_related("focus_area").order_by("id"),
        "letter_ok": len(visible) == len(all_leads),
        "receiver": receiver,
        "receipt": receipt,
        "outcome": outcome,
        "office": transfer.inspection.authority_id in access.authorities_for(user, "view", Transfer),
    }
    return render(request, "results/transfer.html", context)


@login_required
def transfer_letter_view(request, pk, pdf=False):
    """The transfer letter as .docx, or (``pdf``) as the same document converted to PDF."""
    if pdf:
        pdf_require()
    transfer = get_object_or_404(transfers_for(user=request.user), pk=pk)
    try:
        name, data = transfer_letter(actor=request.user, transfer=transfer)
        return document_download(name, data, pdf=pdf)
    except ValidationError as e:
        messages.error(request, error_text(e))
        return redirect("results:transfer", transfer.pk)


@login_required
def received_list(request):
    """What was transferred to the user's receiving body."""
    access.require_page_step(request.user, "transfer.answer")
    status = request.GET.get("status", "")
    page = paginate(request, received_for(user=request.user, status=status).prefetch_related(*ITEMS))
    _tag(page, request.user)
    context = {"page": page, "status": status, "statuses": STATUSES}
    return render(request, "results/receiver_list.html", context)


@login_required
def transfer_list(request):
    """Every transfer of the authority (and, from above, of the authorities below), filtered."""
    user = request.user
    if not access.authorities_for(user, "view", Transfer):
        raise access.PageRefused(access.page_roles("view", Transfer, authority_wide=True))
    receivers = receivers_for(user=user)
    form = TransferFilterForm(request.GET or None, receivers=receivers)
    receiver_id, status = None, ""
    if form.is_valid():
        receiver_id = form.cleaned_data["receiver"].pk if form.cleaned_data["receiver"] else None
        status = form.cleaned_data["status"]
    qs = transfers_for(user=user, receiver_id=receiver_id, status=status).prefetch_related(*ITEMS)
    page = paginate(request, qs)
    _tag(page, request.user)
    return render(request, "results/transfer_list.html", {"page": page, "form": form})
