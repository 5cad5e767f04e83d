"""URLs of working papers, findings and the focus-area taxonomy (included under /onsite/, namespace "onsite")."""

from django.urls import path

from onsite import views_findings as v

urlpatterns = [
    path("inspections/<int:pk>/working-papers/", v.working_paper_list, name="working_papers"),
    path("inspections/<int:pk>/working-papers/new/", v.working_paper_create_view, name="working_paper_create"),
    path("working-papers/<int:pk>/", v.working_paper_detail, name="working_paper"),
    path("working-papers/<int:pk>/edit/", v.working_paper_edit_view, name="working_paper_edit"),
    path("working-papers/<int:pk>/submit/", v.working_paper_submit_view, name="working_paper_submit"),
    path("working-papers/<int:pk>/approve/", v.working_paper_approve_view, name="working_paper_approve"),
    path("working-papers/<int:pk>/return/", v.working_paper_return_view, name="working_paper_return"),
    path("inspections/<int:pk>/findings/", v.finding_list, name="findings"),
    path("findings/<int:pk>/", v.finding_detail, name="finding"),
    path("findings/<int:pk>/immediate-notice.docx", v.finding_notice_view, name="finding_notice"),
    path("focus-areas/", v.focus_areas, name="focus_areas"),
    path("focus-areas/versions/new/", v.focus_version_create_view, name="focus_version_create"),
    path("focus-areas/versions/<int:pk>/publish/", v.focus_version_publish_view, name="focus_version_publish"),
    path("focus-areas/versions/<int:pk>/areas/new/", v.focus_area_create_view, name="focus_area_create"),
    path("focus-areas/<int:pk>/rename/", v.focus_area_rename_view, name="focus_area_rename"),
    path("focus-areas/<int:pk>/move/", v.focus_area_move_view, name="focus_area_move"),
    path("focus-areas/<int:pk>/remove/", v.focus_area_remove_view, name="focus_area_remove"),
]
