from django.urls import path

from retour.web.statistics import views_dashboards, views_report

urlpatterns = [
    path("", views_dashboards.statistics_index, name="statistics-index"),
    *(
        route
        for slug in views_dashboards.DASHBOARDS
        for route in (
            path(f"{slug}/", views_dashboards.dashboard_page, {"slug": slug},
                 name=f"statistics-{slug}"),
            path(f"{slug}.csv", views_dashboards.dashboard_csv, {"slug": slug},
                 name=f"statistics-{slug}-csv"),
        )
    ),
    path("report/<str:period>/", views_report.report_page, name="statistics-report"),
    path("report/<str:period>/report.pdf", views_report.report_pdf,
         name="statistics-report-pdf"),
]
