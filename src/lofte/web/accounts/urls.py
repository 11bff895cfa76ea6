"""URLs of signing in and out and of the user administration."""

from django.urls import path

from lofte.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("anvandare/", views.user_list, name="users"),
    path("anvandare/ny/", views.user_create, name="user_create"),
    path("anvandare/<int:pk>/", views.user_edit, name="user_edit"),
]
