import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import access
from core.files import file_erase
from core.forms import post_form
from core.http import XLSX, attachment
from core.paging import paginate
from registry.forms.organizations import ImportForm, KindForm, LeaderEndForm, LeaderForm, OrganizationForm
from registry.importing import export_bytes, organizations_import, template_bytes
from registry.models import Organization, OrganizationKind
from registry.organizations import (
    organization_create,
    organization_kind_create,
    organization_kinds_for,
    organization_leader_add,
    organization_leader_end,
    organization_leader_update,
    organization_leaders_for,
    organization_update,
    organizations_for,
)


def _require_view(user):
    """For a record's page: 404 to a user with no role that reads the registry."""
    if not access.can(user, "view", Organization):
        raise Http404


def _require_list(user):
    """For a page of the registry as a whole: 403 naming the roles that open it."""
    access.require_page(user, "view", Organization)


def _office_authority(user):
    """The authority whose registry this user keeps (their own), or PermissionDenied."""
    if user.authority_id not in access.authorities_for(user, "change", Organization):
        raise access.PageRefused(access.page_roles("change", Organization, authority_wide=True))
    return user.authority


def _attachment(data: bytes, filename: str) -> HttpResponse:
    return attachment(data, filename, XLSX)


@login_required
def organization_list(request):
    _require_list(request.user)
    g = request.GET
    qs = organizations_for(
        user=request.user,
        search=g.get("q"),
        kind=g.get("kind") or None,
        status=g.get("status") or None,
        parent=g.get("parent") or None,
    )
    page = paginate(request, qs)
    ctx = {"page": page, "filters": g}
    if request.headers.get("HX-Request"):
        return render(request, "registry/_table.html", ctx)
    ctx.update(
        kinds=organization_kinds_for(user=request.user, authority_id=request.user.authority_id),
        statuses=Organization.Status.choices,
        # Only organisations with subordinates (townships) are offered as a parent filter.
        parents=organizations_for(user=request.user).filter(children__isnull=False).distinct().values("pk", "name"),
        can_change=request.user.authority_id in access.authorities_for(request.user, "change", Organization),
    )
    return render(request, "registry/list.html", ctx)


@login_required
def organization_detail(request, pk):
    _require_view(request.user)
    org = get_object_or_404(organizations_for(user=request.user), pk=pk)
    return render(request, "registry/detail.html", _detail_context(request, org))


def _detail_context(request, org, *, leader_form=None, refused=None) -> dict:
    """The detail page; ``leader_form`` is a refused add form, ``refused`` a refused
    (leader id, "end" or "fix", form) to show again, filled in and with its errors."""
    children = organizations_for(user=request.user).filter(parent=org)
    can_change = organizations_for(user=request.user, action="change").filter(pk=org.pk).exists()
    # Name the parent and the merge target only to those who may see them.
    refs = [pk for pk in (org.parent_id, org.merged_into_id) if pk]
    visible = set(organizations_for(user=request.user).filter(pk__in=refs).values_list("pk", flat=True))
    leaders = []
    for leader in _leaders(request.user, org):
        row = {"leader": leader}
        if can_change:
            if leader.end_on is None:
                row["end_form"] = LeaderEndForm(auto_id=f"id_end{leader.pk}_%s")
            row["fix_form"] = LeaderForm(
                auto_id=f"id_fix{leader.pk}_%s",
                initial={
                    "name": leader.name,
                    "post": leader.post,
                    "start_on": leader.start_on,
                    "end_on": leader.end_on,
                },
            )
            if refused and refused[0] == leader.pk:
                row[f"{refused[1]}_form"] = refused[2]
                row["fix_open"] = refused[1] == "fix"
        leaders.append(row)
    return {
        "org": org,
        "children": children,
        "can_change": can_change,
        "parent": org.parent if org.parent_id in visible else None,
        "merged_into": org.merged_into if org.merged_into_id in visible else None,
        "leaders": leaders,
        "leader_form": leader_form or (LeaderForm(auto_id="id_leader_%s") if can_change else None),
    }


def _leaders(user, org):
    return organization_leaders_for(user=user, organization=org)


def _leader_org(request, pk, leader_id=None):
    """The organisation (and one of its leaders) the user may see, or 404."""
    _require_view(request.user)
    org = get_object_or_404(organizations_for(user=request.user), pk=pk)
    if leader_id is None:
        return org, None
    return org, get_object_or_404(_leaders(request.user, org), pk=leader_id)


@login_required
@require_POST
def organization_leader_add_view(request, pk):
    org, _ = _leader_org(request, pk)
    access.check(request.user, "change", org)
    form = LeaderForm(request.POST, auto_id="id_leader_%s")
    sent = post_form(
        request,
        form,
        lambda d: organization_leader_add(actor=request.user, organization=org, **d),
        back=_detail_url(org),
        done=lambda leader: f"已添加领导班子成员：{leader.name}（{leader.post}）。",
    )
    return sent or render(request, "registry/detail.html", _detail_context(request, org, leader_form=form))


@login_required
@require_POST
def organization_leader_end_view(request, pk, leader_id):
    return _leader_post(
        request,
        pk,
        leader_id,
        form_class=LeaderEndForm,
        which="end",
        save=organization_leader_end,
        done=lambda saved: f"已记录{saved.name}于 {saved.end_on:%Y-%m-%d} 离任{saved.post}。",
    )


@login_required
@require_POST
def organization_leader_update_view(request, pk, leader_id):
    return _leader_post(
        request,
        pk,
        leader_id,
        form_class=LeaderForm,
        which="fix",
        save=organization_leader_update,
        done=lambda saved: f"已更正{saved.name}（{saved.post}）的任职记录。",
    )


def _leader_post(request, pk, leader_id, *, form_class, which: str, save, done):
    """A leader's row form (离任 ``end`` or 更正 ``fix``): posted through post_form; refused,
    the detail page shows that row's form open with its errors."""
    org, leader = _leader_org(request, pk, leader_id)
    access.check(request.user, "change", leader)
    form = form_class(request.POST, auto_id=f"id_{which}{leader.pk}_%s")
    sent = post_form(
        request,
        form,
        lambda d: save(actor=request.user, leader=leader, **d),
        back=_detail_url(org),
        done=done,
    )
    refused = (leader.pk, which, form)
    return sent or render(request, "registry/detail.html", _detail_context(request, org, refused=refused))


def _detail_url(org) -> str:
    return reverse("registry:detail", args=[org.pk])


@login_required
def organization_create_view(request):
    _require_list(request.user)
    authority = _office_authority(request.user)
    form = OrganizationForm(request.POST or None, authority=authority, visible=organizations_for(user=request.user))
    if request.method == "POST":
        sent = post_form(
            request,
            form,
            lambda d: organization_create(actor=request.user, authority=authority, **d),
            back=_detail_url,
            done=lambda org: f"已新增“{org.name}”。",
        )
        if sent:
            return sent
    return render(request, "registry/form.html", {"form": form, "title": "新增党组织"})


@login_required
def organization_edit_view(request, pk):
    _require_view(request.user)
    org = get_object_or_404(organizations_for(user=request.user), pk=pk)
    access.check(request.user, "change", org)
    title = f"编辑：{org.name}"
    # The form works on a copy: a ModelForm writes the submitted values into its instance,
    # and the service must see the stored record to record what changed.
    copy = Organization.objects.get(pk=org.pk)
    form = OrganizationForm(
        request.POST or None, instance=copy, authority=org.authority, visible=organizations_for(user=request.user)
    )
    if request.method == "POST":
        sent = post_form(
            request,
            form,
            lambda d: organization_update(actor=request.user, organization=org, **d),
            back=_detail_url,
            done=lambda saved: f"已保存“{saved.name}”。",
        )
        if sent:
            return sent
    return render(request, "registry/form.html", {"form": form, "title": title, "org": org})


@login_required
def organization_template(request):
    _require_list(request.user)
    authority = _office_authority(request.user)
    return _attachment(template_bytes(authority), "党组织名册导入模板.xlsx")


@login_required
def organization_export(request):
    _require_list(request.user)
    g = request.GET
    qs = organizations_for(
        user=request.user,
        search=g.get("q"),
        kind=g.get("kind") or None,
        status=g.get("status") or None,
        parent=g.get("parent") or None,
    )
    data = export_bytes(actor=request.user, authority=request.user.authority, queryset=qs)
    return _attachment(data, f"党组织名册-{timezone.localdate():%Y%m%d}.xlsx")


def _pending_purge(max_age_hours: int = 24) -> None:
    """Remove checked files that were never confirmed."""
    cutoff = time.time() - max_age_hours * 3600
    for path in (settings.DATA_DIR / "tmp").glob("import-*.xlsx"):
        if path.stat().st_mtime < cutoff:
            file_erase(path)


def _pending_path(token: str):
    if not token.isalnum():
        raise Http404
    return settings.DATA_DIR / "tmp" / f"import-{token}.xlsx"


@login_required
def organization_import_view(request):
    """Upload → every row checked, problems listed → confirm → written, or nothing."""
    _require_list(request.user)
    authority = _office_authority(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    ctx = {"form": form}
    if request.method == "POST" and "confirm" in request.POST:
        token = request.session.get("registry_import_token", "")
        path = _pending_path(token) if token else None
        if not path or not path.exists() or request.POST.get("token") != token:
            messages.error(request, "待导入的文件已失效，请重新上传。")
            return redirect("registry:import")
        result = organizations_import(actor=request.user, authority=authority, data=path.read_bytes())
        file_erase(path)
        request.session.pop("registry_import_token", None)
        if result.ok:
            messages.success(
                request, f"导入完成：新增 {result.created} 个，更新 {result.updated} 个，未变化 {result.unchanged} 个。"
            )
            return redirect("registry:list")
        ctx["result"] = result
    elif request.method == "POST" and form.is_valid():
        _pending_purge()
        upload = form.cleaned_data["file"]
        if upload.size > settings.XUNCHA["IMPORT_MAX_BYTES"]:
            form.add_error(
                "file",
                f"文件过大：不能超过 {settings.XUNCHA['IMPORT_MAX_BYTES'] // (1024 * 1024)} MB，请拆分后分批导入。",
            )
            return render(request, "registry/import.html", ctx)
        data = upload.read()
        result = organizations_import(actor=request.user, authority=authority, data=data, dry_run=True)
        ctx["result"] = result
        if result.ok:
            token = secrets.token_hex(16)
            pending = _pending_path(token)
            pending.parent.mkdir(parents=True, exist_ok=True)
            pending.write_bytes(data)
            request.session["registry_import_token"] = token
            ctx["token"] = token
            ctx["filename"] = form.cleaned_data["file"].name
    return render(request, "registry/import.html", ctx)


@login_required
def kind_list(request):
    _require_list(request.user)
    kinds = organization_kinds_for(user=request.user, authority_id=request.user.authority_id)
    can_change = request.user.authority_id in access.authorities_for(request.user, "change", OrganizationKind)
    form = KindForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        sent = post_form(
            request,
            form,
            lambda d: organization_kind_create(
                actor=request.user, authority=request.user.authority, name=d["name"], is_village=d["is_village"]
            ),
            back="registry:kinds",
            done=lambda kind: f"已新增类别“{kind.name}”。",
        )
        if sent:
            return sent
    return render(request, "registry/kinds.html", {"kinds": kinds, "form": form, "can_change": can_change})
