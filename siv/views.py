import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, passwords, sessions, throttle, webauthn
from .access import has_role
from .client import client_ip
from .enrolment import enrolment_code_redeem
from .filters import AuditEntryFilter
from .forms import (
    EnrolmentCodeForm,
    NewPasswordForm,
    PasswordChangeForm,
    SignInForm,
    TokenForm,
    add_validation_error,
)
from .middleware import SessionLimitsMiddleware
from .models import AuditAction, AuditEntry, WebAuthnDevice
from .permissions import permission_required
from .registry import account_sections_for, panels_for


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if throttle.address_must_wait(client_ip(request)):
            self._record_failure(reason="address_throttled")
            wait = settings.SIV_SIGNIN_ADDRESS_WAIT_SECONDS
            response = render(
                request, "registration/throttled.html", {"minutes": wait // 60}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)  # login() gives the session a new id
        self.request.session[SessionLimitsMiddleware.KEY] = time.time()
        sessions.note_client(self.request)
        audit.record(AuditAction.LOGIN, actor=self.request.user)
        if settings.SIV_REQUIRE_2FA:
            target = "otp_verify" if user_has_device(self.request.user) else "otp_setup"
            return redirect(f"{reverse(target)}?next={self.get_success_url()}")
        return response

    def form_invalid(self, form):
        self._record_failure(reason="invalid_credentials")
        throttle.note_failure(client_ip(self.request))
        return super().form_invalid(form)

    def _record_failure(self, *, reason: str) -> None:
        audit.record(
            AuditAction.LOGIN_FAILED,
            username=(self.request.POST.get("username") or "")[:150],
            details={"reason": reason},
        )


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("home")


def otp_verify(request):
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    if not devices.exists():
        return redirect("otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                audit.record(AuditAction.SECOND_FACTOR, actor=request.user)
                return redirect(_safe_next(request))
        audit.record(AuditAction.LOGIN_FAILED, actor=request.user, details={"reason": "totp"})
        form.add_error("token", _("Koden passer ikke. Prøv den næste kode fra appen."))
    return render(
        request,
        "registration/otp_verify.html",
        {"form": form, "webauthn_options": webauthn.authentication_options(request)},
    )


@require_POST
def webauthn_verify(request):
    """The second factor by a security key: the browser's signed answer to the challenge of
    the code page (registration/otp_verify.html, static/js/webauthn.js)."""
    try:
        device = webauthn.authenticate(request, credential=request.POST.get("credential", ""))
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    otp_login(request, device)
    audit.record(AuditAction.SECOND_FACTOR, actor=request.user, details={"webauthn": True})
    return JsonResponse({"redirect": _safe_next(request)})


# The session's note that its user gave a valid enrolment code (siv/enrolment.py).
ENROLMENT_PASSED = "siv_enrolment_passed_for"


def otp_setup(request):
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("otp_verify")
    if settings.SIV_REQUIRE_2FA and request.session.get(ENROLMENT_PASSED) != request.user.pk:
        return _enrolment_code(request)
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "SIV"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(AuditAction.SECOND_FACTOR, actor=request.user, details={"enrolled": True})
            request.session.pop(ENROLMENT_PASSED, None)
            messages.success(request, _("Totrinsbekræftelse er sat op."))
            return redirect(_safe_next(request))
        audit.record(
            AuditAction.LOGIN_FAILED, actor=request.user, details={"reason": "totp_enrolment"}
        )
        form.add_error("token", _("Koden passer ikke. Tjek at telefonens ur går rigtigt."))
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "registration/otp_setup.html",
        {"form": form, "secret": secret, "qr_data_uri": qr.svg_data_uri(scale=4)},
    )


def _enrolment_code(request):
    """The step before the set-up where 2FA is required: the administrator's one-time code.
    Only then is a device (and its secret) made, fresh, for this session to confirm."""
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if enrolment_code_redeem(user=request.user, code=form.cleaned_data["code"]):
            request.session[ENROLMENT_PASSED] = request.user.pk
            return redirect(f"{reverse('otp_setup')}?{urlencode({'next': _safe_next(request)})}")
        audit.record(
            AuditAction.LOGIN_FAILED, actor=request.user, details={"reason": "enrolment_code"}
        )
        form.add_error(
            "code", _("Koden er forkert, brugt eller udløbet. Bed din administrator om en ny.")
        )
    return render(request, "registration/otp_enrolment_code.html", {"form": form})


def sign_out(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.user.is_authenticated:
        audit.record(AuditAction.LOGOUT, actor=request.user)
    auth_logout(request)
    messages.info(request, _("Du er logget ud."))
    return redirect("login")


# The user's own account: their sessions, their password, and what other apps add (API tokens).


def account(request):
    return render(
        request,
        "siv/account.html",
        {
            "keys": WebAuthnDevice.objects.filter(user=request.user),
            "sessions": sessions.sessions_of(request.user, current_key=request.session.session_key),
            "sections": [
                {"template": section.template, **section.context(request)}
                for section in account_sections_for(request.user)
            ],
        },
    )


@require_POST
def session_end(request):
    """End one of the user's other sessions (`session`: its reference), or all of them
    (`session` "others"). The current one ends with "Log ud"."""
    ref = request.POST.get("session", "")
    keep = request.session.session_key
    if ref == "others":
        ended = sessions.end_sessions(request.user, keep=keep)
    else:
        ended = int(sessions.end_session(request.user, ref=ref, keep=keep))
    if ended:
        audit.record(
            AuditAction.CHANGE,
            actor=request.user,
            obj=request.user,
            details={"sessions_ended": ended},
        )
        if ref == "others":
            messages.success(request, _("Du er logget ud alle andre steder."))
        else:
            messages.success(request, _("Sessionen er afsluttet."))
    else:
        messages.info(request, _("Sessionen var allerede afsluttet."))
    return redirect("account")


# Wrong current passwords typed in this session: as many as the sign-in's lockout allows
# (AXES_FAILURE_LIMIT) end the session, so a session left open is no way to guess the
# password without the lockout.
PASSWORD_FAILURES = "siv_password_failures"


def _wrong_current_password_once_too_often(request, exc: ValidationError) -> bool:
    if "old_password" not in getattr(exc, "error_dict", {}):
        return False
    failures = request.session.get(PASSWORD_FAILURES, 0) + 1
    request.session[PASSWORD_FAILURES] = failures
    return failures >= settings.AXES_FAILURE_LIMIT


def webauthn_register(request):
    """Add a security key: the page carries the registration challenge; the browser's answer
    comes back as a POST from static/js/webauthn.js."""
    if request.method == "POST":
        try:
            webauthn.register(
                request,
                credential=request.POST.get("credential", ""),
                name=request.POST.get("name", "").strip(),
            )
        except ValidationError as exc:
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        messages.success(request, _("Sikkerhedsnøglen er tilføjet."))
        return JsonResponse({"redirect": reverse("account")})
    return render(
        request,
        "siv/webauthn_register.html",
        {"options": webauthn.registration_options(request)},
    )


@require_POST
def webauthn_remove(request, pk: int):
    device = get_object_or_404(WebAuthnDevice.objects.filter(user=request.user), pk=pk)
    webauthn.remove(device=device, by=request.user)
    messages.success(request, _("Sikkerhedsnøglen er fjernet."))
    return redirect("account")


def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.password_change(
                user=request.user,
                current=form.cleaned_data["old_password"],
                new=form.cleaned_data["new_password1"],
                keep=request.session.session_key,
            )
        except ValidationError as exc:
            if _wrong_current_password_once_too_often(request, exc):
                auth_logout(request)
                messages.error(
                    request,
                    _("Du er logget ud efter for mange forkerte forsøg. Log ind igen."),
                )
                return redirect("login")
            add_validation_error(form, exc)
        else:
            request.session.pop(PASSWORD_FAILURES, None)
            update_session_auth_hash(request, request.user)  # this session stays signed in
            messages.success(
                request, _("Din adgangskode er skiftet. Du er logget ud alle andre steder.")
            )
            return redirect("account")
    return render(request, "registration/password_change.html", {"form": form})


# The session's note of the password link it was opened with: the key leaves the address bar
# (and any Referer) at once, as Django's own reset view does.
PASSWORD_LINK_KEY = "siv_password_link"


@login_not_required
def password_link(request, key: str):
    """The administrator's link. Opening it (GET) changes nothing, so a mail scanner's or a
    chat's preview does not use it up; the button (POST) trades its key for the session's."""
    if passwords.password_link_valid(key) is None:
        return render(request, "registration/password_link_invalid.html", status=404)
    if request.method == "POST":
        fresh = passwords.password_link_open(key)
        if fresh is None:
            return render(request, "registration/password_link_invalid.html", status=404)
        request.session[PASSWORD_LINK_KEY] = fresh
        return redirect("password_set")
    return render(request, "registration/password_link.html")


@login_not_required
def password_set(request):
    key = request.session.get(PASSWORD_LINK_KEY, "")
    link = passwords.password_link_valid(key) if key else None
    if link is None:
        return render(request, "registration/password_link_invalid.html", status=404)
    form = NewPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.password_link_redeem(key=key, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            request.session.pop(PASSWORD_LINK_KEY, None)
            if request.user.is_authenticated:
                auth_logout(request)  # whoever was signed in here, the new password signs in
            messages.success(request, _("Din adgangskode er gemt. Log ind med den."))
            return redirect("login")
    return render(request, "registration/password_set.html", {"form": form, "person": link.user})


@login_not_required
@require_POST
def set_language(request):
    return django_set_language(request)


@login_not_required
def favicon(request):
    """Browsers that ignore the page's icon link ask for /favicon.ico."""
    return redirect(static("favicon.svg"))


@login_not_required
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    user = request.user
    panels = [{"template": panel.template, **panel.context(request)} for panel in panels_for(user)]
    return render(request, "siv/home.html", {"panels": panels, "has_role": has_role(user)})


@permission_required("audit.view")
def audit_log(request):
    entries = AuditEntry.objects.for_user(request.user)
    log_filter = AuditEntryFilter(request.GET or None, queryset=entries)
    if request.GET:
        audit.record_search(
            actor=request.user,
            model=AuditEntry,
            criteria=request.GET.dict(),
            choices=audit.choice_criteria(log_filter),
        )
    page = Paginator(log_filter.qs, 50).get_page(request.GET.get("side"))
    return render(request, "siv/audit_log.html", {"filter": log_filter, "page": page})
