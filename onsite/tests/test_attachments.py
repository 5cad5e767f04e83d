"""Uploads are judged by content, stored outside the web roots, and read only through a checked, audited view."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import token_client
from core.models import AuditEvent
from onsite.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, inspection, name, data):
    return client.post("/api/v1/attachments", {"inspection_id": inspection.pk, "file": SimpleUploadedFile(name, data)})


def test_upload_store_and_download(world, login):
    a = world["a"]
    member = token_client(a.users["team_member"])
    r = _upload(member, a.inspection, "谈话录音整理.pdf", PDF)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "谈话录音整理.pdf" and body["kind"] == "pdf" and body["size"] == len(PDF)
    stored = Attachment.objects.get(pk=body["id"])
    path = Path(settings.FILE_DIR) / stored.path
    assert path.read_bytes() == PDF
    for root in (settings.STATIC_ROOT, getattr(settings, "MEDIA_ROOT", "") or settings.STATIC_ROOT):
        assert not str(path.resolve()).startswith(str(Path(root).resolve()))
    assert "." not in path.name  # no extension a server could act on
    r = member.get(body["download_url"])
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Type"] == "application/pdf" and "attachment" in r["Content-Disposition"]
    page = login(a.users["office"]).get(f"/onsite/attachments/{stored.pk}/")
    assert page.status_code == 200 and b"".join(page.streaming_content) == PDF
    downloads = AuditEvent.objects.filter(action="attachment.download", object_id=str(stored.pk))
    assert downloads.count() == 2
    # Out of scope: as if it did not exist.
    for user in (world["b"].users["office"], world["b"].users["team_member"], a.users["nobody"]):
        assert token_client(user).get(body["download_url"]).status_code == 404
        assert login(user).get(f"/onsite/attachments/{stored.pk}/").status_code == 404


def test_refused_files_are_named_in_chinese_and_nothing_is_kept(world, settings):
    a = world["a"]
    client = token_client(a.users["team_member"])
    before = set(Path(settings.FILE_DIR).rglob("*"))
    r = _upload(client, a.inspection, "发票.pdf", b"MZ\x90\0this is a program")
    assert r.status_code == 422
    assert r.json()["errors"]["file"] == [
        "“发票.pdf”的内容不是允许的类型。只接受 PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG、MP3、MP4 文件。"
    ]
    settings.XUNCHA = {**settings.XUNCHA, "UPLOAD_MAX_BYTES": 1024 * 1024}
    r = _upload(client, a.inspection, "大文件.pdf", PDF + b"0" * (1024 * 1024))
    assert r.status_code == 422 and r.json()["errors"]["file"] == ["“大文件.pdf”超过 1 MB 的上限。"]
    assert not Attachment.objects.exists() and set(Path(settings.FILE_DIR).rglob("*")) == before
    from django.test import Client

    assert _upload(Client(), a.inspection, "a.pdf", PDF).status_code == 401
    assert _upload(token_client(a.users["nobody"]), a.inspection, "a.pdf", PDF).status_code == 404
    # Another county's inspection: as if it did not exist.
    r = _upload(token_client(world["b"].users["team_member"]), a.inspection, "a.pdf", PDF)
    assert r.status_code == 404


def test_a_talks_record_is_not_for_the_leading_group(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onsite.attachments import attachment_create
    from onsite.models import Interview

    a = world["a"]
    record = attachment_create(
        actor=a.users["team_member"], inspection=a.inspection, upload=SimpleUploadedFile("谈话记录.pdf", PDF)
    )
    talk = Interview.objects.create(
        authority=a.authority, inspection=a.inspection, interviewee="王某", category="staff"
    )
    talk.attachments.add(record)
    assert login(a.users["leading_group"]).get(f"/onsite/attachments/{record.pk}/").status_code == 404
    assert login(a.users["team_member"]).get(f"/onsite/attachments/{record.pk}/").status_code == 200
