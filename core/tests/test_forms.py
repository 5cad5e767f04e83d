"""core.forms.post_form: the one way a page posts a form (validate, call the service, message,
redirect; the service's errors next to the fields or, about the whole record, as a page message)."""

from types import SimpleNamespace

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.forms import post_form


class NoteForm(forms.Form):
    title = forms.CharField(label="标题", max_length=20)
    upload = forms.CharField(label="附件", required=False)


def _request(data):
    request = RequestFactory().post("/notes/", data)
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    return request


def _messages(request):
    return [(m.level_tag, m.message) for m in get_messages(request)]


def _refuse(errors):
    def act(d):
        raise ValidationError(errors)

    return act


def test_a_valid_form_calls_the_service_then_says_so_and_goes_back():
    request = _request({"title": "谈话"})
    seen = []
    response = post_form(request, NoteForm(request.POST), seen.append, back="/notes/", done="已保存。")
    assert seen == [{"title": "谈话", "upload": ""}]
    assert response.status_code == 302 and response.url == "/notes/"
    assert _messages(request) == [("success", "已保存。")]


def test_back_and_done_may_be_functions_of_the_result():
    request = _request({"title": "谈话"})

    def act(d):
        return SimpleNamespace(pk=7, title=d["title"])

    response = post_form(
        request,
        NoteForm(request.POST),
        act,
        back=lambda note: f"/notes/{note.pk}/",
        done=lambda note: f"已添加“{note.title}”。",
    )
    assert response.url == "/notes/7/"
    assert _messages(request) == [("success", "已添加“谈话”。")]


def test_an_invalid_form_answers_none_without_calling_the_service():
    request = _request({"title": ""})
    form = NoteForm(request.POST)
    called = []
    assert post_form(request, form, called.append, back="/notes/", done="已保存。") is None
    assert called == [] and "title" in form.errors and _messages(request) == []


def test_a_refused_field_goes_next_to_the_field_and_other_keys_above_the_form():
    request = _request({"title": "谈话"})
    form = NoteForm(request.POST)
    act = _refuse({"title": ["标题已存在。"], "inspection": ["巡察已结束。"]})
    assert post_form(request, form, act, back="/notes/", done="已保存。") is None
    assert form.errors["title"] == ["标题已存在。"]
    assert form.non_field_errors() == ["巡察已结束。"]
    assert _messages(request) == []


def test_aliases_name_the_form_field_of_a_service_key():
    request = _request({"title": "谈话"})
    form = NoteForm(request.POST)
    act = _refuse({"file": ["只能上传 PDF。"]})
    assert post_form(request, form, act, back="/notes/", done="已保存。", aliases={"file": "upload"}) is None
    assert form.errors["upload"] == ["只能上传 PDF。"]


def test_record_errors_become_a_page_message_and_the_redirect():
    request = _request({"title": "谈话"})
    form = NoteForm(request.POST)
    act = _refuse({"status": ["底稿已审核，不能修改。"]})
    response = post_form(request, form, act, back="/notes/", done="已保存。", record_errors="status")
    assert response.status_code == 302 and response.url == "/notes/"
    assert _messages(request) == [("error", "底稿已审核，不能修改。")]


def test_record_errors_may_be_several_keys_with_their_own_redirect():
    request = _request({"title": "谈话"})
    act = _refuse({"reviewer": ["您不是该底稿的审核人。"]})
    response = post_form(
        request,
        NoteForm(request.POST),
        act,
        back=lambda note: f"/findings/{note.pk}/",
        done="已审核。",
        record_errors=("status", "reviewer"),
        error_back="/papers/3/",
    )
    assert response.url == "/papers/3/"
    assert _messages(request) == [("error", "您不是该底稿的审核人。")]


def test_a_record_key_not_in_the_error_leaves_it_on_the_form():
    request = _request({"title": "谈话"})
    form = NoteForm(request.POST)
    act = _refuse({"title": ["标题已存在。"]})
    assert post_form(request, form, act, back="/notes/", done="已保存。", record_errors=("status",)) is None
    assert form.errors["title"] == ["标题已存在。"]
