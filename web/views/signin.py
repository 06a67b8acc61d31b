"""Signing in to the reviewers' UI (signing out is Django's ``LogoutView``)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse

from accounts.forms import SignInForm, refused_signin_status


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm
    template_name = "web/signin.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        return refused_signin_status(super().form_invalid(form), form)
