"""URLs of the action plans and the gap board."""

from django.urls import path

from lofte.web.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="home"),
    path("ny/", views.plan_create, name="plan_create"),
    path("atgarder/", views.action_list, name="actions"),
    path("atgarder/ny/", views.action_create, name="action_create"),
    path("atgarder/<int:pk>/", views.action_detail, name="action"),
    path("mina/", views.my_actions, name="mine"),
    path("uppfoljning/", views.followup, name="followup"),
    path("uppfoljning/xlsx/", views.followup_xlsx, name="followup_xlsx"),
    path("avvikelser/", views.gap_board, name="board"),
    path("avvikelser/xlsx/", views.gap_board_xlsx, name="board_xlsx"),
    path("avvikelser/avvikelse/", views.gap_detail, name="gap"),
    path("avvikelser/koppla/", views.gap_link, name="gap_link"),
    path("plan/<slug:slug>/", views.plan_detail, name="plan"),
]
