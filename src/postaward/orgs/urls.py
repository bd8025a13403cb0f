from django.urls import path

from . import views

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/tokens/", views.token_list, name="tokens"),
    path("orgs/", views.organisation_list, name="organisation_list"),
    path("orgs/new/", views.organisation_create, name="organisation_create"),
    path("orgs/<id:pk>/", views.organisation_detail, name="organisation_detail"),
    path("orgs/<id:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<id:pk>/", views.person_detail, name="person_detail"),
    path("people/<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("users/", views.account_list, name="account_list"),
    path("users/new/", views.account_create, name="account_create"),
    path("users/<id:pk>/", views.account_detail, name="account_detail"),
    path("system/logins/", views.login_log, name="login_log"),
]
