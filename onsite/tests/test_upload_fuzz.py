"""Fuzzing the uploads (a team's attachments, a reporter's photos; the units' evidence goes
through the same check and write): whatever the bytes and the name, a file is stored whole
(a photo without its metadata) or refused naming it, never a crash, never a file left behind."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from core.files import file_path
from core.tests.fuzzing import FUZZ, ZIP_NAMES, leftover_files, zip_of
from onsite.attachments import attachment_create
from onsite.models import Attachment

# Django's parser gives no file without a name, so none is tried here.
NAMES = st.sampled_from(["照片.jpg", "现场.png", "材料.pdf", "说明.docx", "台账.xlsx", "无后缀", "x.exe", "a" * 300])
MAGIC = st.sampled_from([b"", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"%PDF-1.4\n", b"PK\x03\x04"])


def _upload(world, name, data, public=False):
    a = world["a"]
    before = Attachment.objects.count()
    files_before = leftover_files(settings.FILE_DIR)
    try:
        attachment = attachment_create(
            actor=None if public else a.users["team_member"],
            inspection=a.inspection,
            upload=SimpleUploadedFile(name, data),
            public=public,
        )
    except ValidationError as e:
        assert e.message_dict["file"] and all(m.strip() for m in e.message_dict["file"])
        assert Attachment.objects.count() == before
        assert leftover_files(settings.FILE_DIR) == files_before  # nothing left behind
        return None
    assert file_path(attachment.path).stat().st_size == attachment.size
    return attachment


@FUZZ
@given(name=NAMES, magic=MAGIC, body=st.binary(max_size=2048), public=st.booleans())
def test_random_files_are_stored_whole_or_refused_naming_them(world, name, magic, body, public):
    _upload(world, name, magic + body, public=public)


@FUZZ
@given(names=ZIP_NAMES, body=st.binary(max_size=512), name=st.sampled_from(["说明.docx", "台账.xlsx"]))
def test_random_zips_named_as_office_files(world, names, body, name):
    _upload(world, name, zip_of(names, body))


@FUZZ
@given(
    size=st.tuples(st.integers(1, 64), st.integers(1, 64)),
    cut=st.integers(min_value=0, max_value=400),
    fmt=st.sampled_from(["JPEG", "PNG"]),
)
def test_photos_whole_or_cut_short(world, size, cut, fmt):
    """A whole photo is stored (re-encoded without metadata); one cut short is stored whole
    (where Pillow still reads every pixel) or refused naming it."""
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, fmt)
    data = buf.getvalue()
    data = data[: max(1, len(data) - cut)] if cut else data
    stored = _upload(world, "照片.jpg" if fmt == "JPEG" else "照片.png", data, public=True)
    if not cut:
        assert stored is not None
        assert Image.open(file_path(stored.path)).size == size
