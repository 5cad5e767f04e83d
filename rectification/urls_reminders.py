from django.urls import path

from rectification import views_reminders as views

urlpatterns = [
    path("reminders/", views.reminder_list, name="reminders"),
    path("reminders/<int:pk>/notice.docx", views.reminder_document_view, name="reminder_document"),
    path("reminders/settings/", views.reminder_settings_view, name="reminder_settings"),
]
