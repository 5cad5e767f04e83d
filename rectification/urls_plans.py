"""URLs of the plan pages (under /rectification/, namespace "rectification")."""

from django.urls import path

from rectification import views_plans as v

urlpatterns = [
    path("", v.plan_list, name="plans"),
    path("inspections/<int:pk>/plan/", v.inspection_plan, name="inspection_plan"),
    path("plans/<int:pk>/", v.plan_page, name="plan"),
    path("plans/<int:pk>/summary/", v.plan_summary_view, name="plan_summary"),
    path("plans/<int:pk>/submit/", v.plan_submit_view, name="plan_submit"),
    path("plans/<int:pk>/review/", v.plan_review_view, name="plan_review"),
    path("plans/<int:pk>/head-report/", v.plan_head_report_view, name="plan_head_report"),
]
