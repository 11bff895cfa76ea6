"""Staff pages of the grants, mounted at ``/stimulansmedel/``."""

from django.urls import path

from lofte.grants import views

app_name = "grants"
urlpatterns = [
    path("", views.home, name="home"),
    path("utlysningar/ny/", views.call_create, name="call_create"),
    path("utlysningar/<int:pk>/", views.call_detail, name="call"),
    path("utlysningar/<int:pk>/tidsplan/", views.call_dates, name="call_dates"),
    path("utlysningar/<int:pk>/kriterier/", views.call_criterion, name="call_criterion"),
    path("utlysningar/<int:pk>/bedomare/", views.call_assessor, name="call_assessor"),
    path("utlysningar/<int:pk>/starta-bedomning/", views.call_start, name="call_start"),
    path("utlysningar/<int:pk>/ansok/", views.application_create, name="application_create"),
    path("utlysningar/<int:pk>/beslutsmote/", views.meeting, name="meeting"),
    path("ansokningar/<int:pk>/", views.application_detail, name="application"),
    path("ansokningar/<int:pk>/skicka-in/", views.application_submit, name="submit"),
    path("ansokningar/<int:pk>/bilagor/", views.application_attach, name="attach"),
    path("ansokningar/<int:pk>/bedom/", views.assess, name="assess"),
    path("ansokningar/<int:pk>/beslut/", views.decide, name="decide"),
    path("ansokningar/<int:pk>/beslutsbrev.pdf", views.letter, name="letter"),
    path("ansokningar/<int:pk>/rapport/", views.report, name="report"),
    path("ansokningar/<int:pk>/datum/", views.due_dates, name="due_dates"),
    path("ansokningar/<int:pk>/avsluta/", views.close, name="close"),
    path("ansokningar/<int:pk>/utbetalning/", views.pay, name="pay"),
    path("bilagor/<int:pk>/", views.attachment, name="attachment"),
    path("huvudbok/", views.ledger_page, name="ledger"),
    path("sammanstallning/<int:year>.xlsx", views.summary_xlsx, name="summary"),
]
