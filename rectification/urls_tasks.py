"""URLs of the task pages (under /rectification/, namespace "rectification")."""

from django.urls import path

from rectification import views_tasks as v

urlpatterns = [
    path("plans/<int:pk>/tasks/new/", v.task_new, name="task_new"),
    path("tasks/<int:pk>/", v.task_page, name="task"),
    path("tasks/<int:pk>/edit/", v.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", v.task_delete_view, name="task_delete"),
    path("tasks/<int:pk>/progress/", v.task_progress_view, name="task_progress"),
    path("tasks/<int:pk>/verify/", v.task_verify_view, name="task_verify"),
    path("tasks/<int:pk>/reject/", v.task_reject_view, name="task_reject"),
    path("evidence/<int:pk>/", v.evidence_download, name="evidence"),
]
