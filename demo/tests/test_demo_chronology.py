"""The demo's documents tell the inspection's own chronology (issue 13).

Every document of every inspection the demo has is generated (as the office), its dates are
read from the file, and checked against the records they are about: the on-site period
printed is the inspection's own (a special inspection's, not its round's), no document says
an inspection runs after its feedback, and no document is dated before the events it reports.
"""

import datetime
import io
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from docx import Document

from core.documents import cn_date
from core.models import User
from onsite.models import Finding
from onsite.notices import immediate_notice
from planning.documents import DOCUMENTS, inspection_document
from planning.models import Inspection
from planning.stages import inspection_period
from rectification.models import RectificationPlan, Reminder
from rectification.reminder_documents import reminder_document
from rectification.reminders import NOTICE_KINDS
from rectification.report_documents import documents_allowed as plan_documents_allowed
from rectification.report_documents import report_document
from results.feedback import secretary_meeting_on
from results.feedback_documents import documents_allowed, feedback_document
from results.models import Feedback, InspectionReport, Transfer
from results.reports import report_export
from results.transfer_documents import may_download_letter, transfer_letter

DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
PERIOD = re.compile(DATE + "至" + DATE)
ALONE = re.compile("^" + DATE + "$")
# Doubled wording a clerk would strike out: a word written twice running (巡察巡察, 的的), or a
# word repeated inside the quotation that follows it (聚焦“四个聚焦”).
DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,6})\1|([的了在和是对与及])\2")
QUOTED_AGAIN = re.compile(r"([\u4e00-\u9fff]{2})[“‘「]([^”’」]{0,8})\1")


def _doubled_wording(text: str) -> list[str]:
    return [m.group(0) for pattern in (DOUBLED, QUOTED_AGAIN) for m in pattern.finditer(text)]


def _day(y, m, d):
    return datetime.date(int(y), int(m), int(d))


def _read(data: bytes) -> tuple[str, object]:
    """The document's text and its date (成文日期: the last paragraph that is only a date)."""
    lines = [p.text.replace("\n", "").strip() for p in Document(io.BytesIO(data)).paragraphs]
    dated = [ALONE.match(line) for line in lines]
    dates = [_day(*m.groups()) for m in dated if m]
    return "\n".join(lines), (dates[-1] if dates else None)


def _documents(actor, inspection: Inspection):
    """(name, .docx bytes, what it is) of every document of ``inspection`` the actor may have."""

    def attempt(name, make, what=None):
        try:
            return [(name, make()[1], what)]
        except (ValidationError, PermissionDenied, Http404):
            return []  # not writable yet (no team, no leader, no report…) or not for this role

    out = []
    for kind in DOCUMENTS:
        out += attempt(kind, lambda k=kind: inspection_document(actor=actor, inspection=inspection, kind=k))
    report = InspectionReport.objects.filter(inspection=inspection).first()
    if report is not None:
        out += attempt("report", lambda: report_export(actor=actor, report=report))
    feedback = Feedback.objects.filter(inspection=inspection).first()
    if feedback is not None:
        for kind in documents_allowed(actor, feedback):
            out += attempt(
                f"feedback-{kind}", lambda k=kind: feedback_document(actor=actor, feedback=feedback, kind=k), feedback
            )
    for transfer in Transfer.objects.filter(inspection=inspection).order_by("id"):
        if may_download_letter(actor, transfer):
            out += attempt(
                f"transfer-{transfer.pk}", lambda t=transfer: transfer_letter(actor=actor, transfer=t), transfer
            )
    for reminder in Reminder.objects.filter(task__plan__inspection=inspection, kind__in=NOTICE_KINDS).order_by("id"):
        out += attempt(
            f"reminder-{reminder.pk}", lambda r=reminder: reminder_document(actor=actor, reminder=r), reminder
        )
    plan = RectificationPlan.objects.filter(inspection=inspection).first()
    if plan is not None:
        for kind in plan_documents_allowed(actor, plan):
            out += attempt(f"plan-{kind}", lambda k=kind: report_document(actor=actor, plan=plan, kind=k))
    for finding in Finding.objects.filter(inspection=inspection, immediate=True).order_by("id"):
        out += attempt(f"immediate-{finding.pk}", lambda f=finding: immediate_notice(actor=actor, finding=f))
    return out


def test_the_demo_documents_keep_each_inspections_chronology(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    actors = {"MH-QH": User.objects.get(username="qh_office_head"), "MH-SY": User.objects.get(username="sy_office")}
    problems: list[str] = []
    names: list[str] = []
    for inspection in Inspection.objects.select_related("round", "authority", "organization").order_by("id"):
        actor = actors[inspection.authority.code]
        entry, end = inspection_period(inspection)
        feedback = Feedback.objects.filter(inspection=inspection).first()
        approved = secretary_meeting_on(inspection)
        for name, data, record in _documents(actor, inspection):
            names.append(name)
            text, dated = _read(data)
            where = f"{inspection}：{name}"
            problems += [f"{where} 用词重复：{words}" for words in _doubled_wording(text)]
            if dated is None:
                problems.append(f"{where} 没有成文日期")
                continue
            for m in PERIOD.finditer(text):
                # A team's decision gives each of its targets its period: "<名称>党组织（…至…）".
                label = re.search(r"([^、（。\n]+)党组织（$", text[: m.start()])
                if label and label.group(1) != inspection.organization.name:
                    continue  # another inspection's, checked with that inspection
                start, stop = _day(*m.groups()[:3]), _day(*m.groups()[3:])
                if (start, stop) != (entry, end):
                    problems.append(f"{where} 印的巡察时间 {m.group(0)} 不是本次巡察的 {entry}至{end}")
                if feedback is not None and stop > feedback.issued_on:
                    problems.append(f"{where} 说巡察持续到 {stop}，晚于反馈日期 {feedback.issued_on}")
                if "开展了" in text[m.end() : m.end() + 60] and stop > dated:
                    problems.append(f"{where} 成文于 {dated}，却说巡察已于 {stop} 结束")
            if isinstance(record, Feedback) and (end and dated < end or approved and dated < approved):
                problems.append(f"{where} 成文于 {dated}，早于结束进驻 {end} 或书记专题会 {approved}")
            if isinstance(record, Transfer) and dated < record.sent_on:
                problems.append(f"{where} 成文于 {dated}，早于移交日期 {record.sent_on}")
            if isinstance(record, Reminder):
                before = [d for d in (record.raised_on, feedback and feedback.issued_on) if d and dated < d]
                if before:
                    problems.append(f"{where} 成文于 {dated}，早于它所说的 {before}")
    kinds = {name.split("-")[0] for name in names}
    assert {"work", "authorization", "entry", "public", "report", "feedback", "transfer", "reminder"} <= kinds, kinds
    assert len(names) >= 40, len(names)  # the walk reached the demo's documents
    assert not problems, "\n".join(problems)


def test_the_doubled_wording_check_finds_what_a_clerk_strikes_out():
    assert _doubled_wording("坚持发现问题，聚焦“四个聚焦”，做实政治监督") == ["聚焦“四个聚焦"]
    assert _doubled_wording("对巡察巡察发现的问题的的整改") == ["巡察巡察", "的的"]
    assert _doubled_wording("紧扣“四个聚焦”，层层压实责任，一一对照整改") == []


def test_a_special_inspection_prints_its_own_dates_not_its_rounds(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    hospital = Inspection.objects.get(organization__name="县人民医院", round__number=7, kind="special")
    assert hospital.round.entry_on > hospital.feedback.issued_on  # the round's dates would be after the feedback
    office = User.objects.get(username="qh_office_head")
    text, dated = _read(feedback_document(actor=office, feedback=hospital.feedback, kind="leadership")[1])
    entry, end = inspection_period(hospital)
    assert f"于{cn_date(entry)}至{cn_date(end)}对县人民医院党组织开展了专项巡察" in text
    assert cn_date(hospital.round.entry_on) not in text and dated == hospital.feedback.issued_on
    # A letter sent while the team was still on site says the inspection is under way.
    early = Transfer.objects.filter(inspection=hospital, sent_on__lt=end).first()
    assert early is not None
    text, dated = _read(transfer_letter(actor=office, transfer=early)[1])
    assert f"自{cn_date(entry)}起对县人民医院党组织开展专项巡察" in text and "开展了" not in text
