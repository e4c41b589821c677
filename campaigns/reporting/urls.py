"""Reporting pages: campaign report (+ CSV), brand overview, staff overview, result reporting on
deliverables. Included once from aux/urls.py at the site root (the paths carry their prefixes)."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("briefs/<int:pk>/report/", views.brief_report_page, name="brief_report"),
    path("briefs/<int:pk>/report.csv", views.brief_report_csv, name="brief_report_csv"),
    path("brands/<slug:slug>/reports/", views.brand_reports, name="brand_reports"),
    path("staff/marketplace/", views.marketplace, name="marketplace"),
    path("bookings/milestone-results/<int:pk>/", views.result_report, name="result_report"),
    path(
        "bookings/results/<int:pk>/screenshot/", views.result_screenshot, name="result_screenshot"
    ),
    path("bookings/results/<int:pk>/question/", views.result_question, name="result_question"),
    path("bookings/results/<int:pk>/answer/", views.result_answer, name="result_answer"),
]
