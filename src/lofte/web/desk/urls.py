"""URLs of the staff desk: deliveries, patient lists, internal figures and operations."""

from django.urls import path

from lofte.web.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.index, name="home"),
    path("drift/", views.operations, name="operations"),
    path("jobb/<int:pk>/", views.job_page, name="job"),
    path("jobb/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobb/<int:pk>/bekrafta/", views.job_confirm, name="job_confirm"),
    path("leveranser/<int:pk>/", views.delivery_report, name="delivery"),
    path("<str:region>/", views.region_home, name="region"),
    path("<str:region>/leverera/", views.upload, name="upload"),
    path("<str:region>/leveranser/", views.delivery_history, name="history"),
    path("<str:region>/siffror/", views.figures, name="figures"),
    path("<str:region>/listor/<slug:slug>/", views.patient_list, name="list"),
    path("<str:region>/listor/<slug:slug>/csv/", views.patient_list_csv, name="list_csv"),
]
