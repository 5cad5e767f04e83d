"""The on-site desk: the inspections a user works on, each with its figures and its parts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core import access, desk, menu
from core.files import file_response
from onsite.attachments import attachment_open, attachments_for
from onsite.tallies import tallies_for
from planning.documents import public_report_url
from planning.inspections import inspections_for
from planning.models import Inspection

AREAS = [  # (label, url name): each part of the on-site work has its own list for one inspection
    ("信访举报", "onsite:petitions"),
    ("个别谈话", "onsite:interviews"),
    ("调阅资料", "onsite:document_requests"),
    ("问卷和民主测评", "onsite:surveys"),
    ("巡察底稿", "onsite:working_papers"),
    ("问题", "onsite:findings"),
]


@login_required
def home(request):
    access.require_page(request.user, "view", Inspection)
    inspections = (
        inspections_for(user=request.user)
        .exclude(stage=Inspection.Stage.ARCHIVED)
        .select_related("team")
        .order_by("-round__term__start_on", "-round__number", "organization__code")
    )
    return render(request, "onsite/home.html", {"inspections": inspections})


def areas(inspection) -> list[tuple[str, str]]:
    return [(label, reverse(name, args=[inspection.pk])) for label, name in AREAS]


@login_required
def inspection(request, pk):
    found = get_object_or_404(inspections_for(user=request.user).select_related("team"), pk=pk)
    links = [(label, url) for label, url in menu.inspection_links(request.user, found) if label != "进驻了解"]
    context = {
        "inspection": found,
        "tallies": tallies_for(found),
        "areas": areas(found),
        "links": links,
        # Cards that later apps contribute (core.desk: data comparison's leads), within the user's scope.
        "panels": desk.panels_for(request.user, found),
        "public_url": public_report_url(found),
    }
    return render(request, "onsite/inspection.html", context)


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(attachments_for(user=request.user), pk=pk)
    handle = attachment_open(actor=request.user, attachment=attachment)
    return file_response(handle, name=attachment.name, kind=attachment.kind)
