"""The REST API: the same scoping as the screens (`Model.objects.for_user`), token
authentication, throttling, and writes only through the apps' services.

Foreign or unknown objects answer 404, and so does an endpoint for a role that has no
business there (as the screens do)."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accelerator.models import Camp, Company
from participants.hours.services import NOT_SHOWN, HoursRow, HoursWeekInvalid, hours_save_week
from participants.models import (
    Citizen,
    ExitForm,
    HoursEntry,
    Placement,
    iso_week_label,
    parse_iso_week,
)
from participants.placements.services import placement_create
from participants.track.selectors import visibility_for
from participants.track.services import citizen_record_viewed, exit_register
from reporting.indicators import Scope, compute
from siv import audit
from siv.access import get_for_user_or_404
from siv.middleware import second_factor_passed
from siv.models import AuditAction
from siv.permissions import HasPermission, permission_required

from . import serializers as s
from .models import ApiToken
from .services import token_issue, token_revoke


def iso_week_or_400(value: str) -> date:
    """The Monday of an ISO week written `2024-W07`, or a 400 in Danish."""
    try:
        return parse_iso_week(value)
    except ValueError as error:
        raise serializers.ValidationError({"iso_week": str(error)}) from None


class PermissionGateMixin:
    """Token requests authenticate inside the view, so the sign-in middleware lets them in;
    `HasPermission` answers 404 to roles without the view's `permission`."""

    permission: str
    permission_classes = [IsAuthenticated, HasPermission]

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


ISO_WEEK = re.compile(r"\d{4}-W\d{2}")


class ScopedReadViewSet(PermissionGateMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of a scoped model. Every read of `personal` records is audited: a
    detail as a view of the record, a list page as one row naming the citizens it shows."""

    model: type
    personal = False
    # The attribute of a row that is the id of the citizen it belongs to.
    citizen_attr = "citizen_id"
    # The query parameters that are search criteria (logged with a list read).
    criteria: tuple[str, ...] = ("page",)

    def get_queryset(self) -> QuerySet:
        return self.model.objects.for_user(self.request.user).order_by("pk")

    def get_object(self):
        obj = get_for_user_or_404(self.get_queryset(), self.request.user, pk=self.kwargs["pk"])
        if self.personal:
            self.audit_view(obj)
        return obj

    def audit_view(self, obj) -> None:
        # A citizen's sub-record names the citizen, whose insight then lists the read.
        audit.record(
            AuditAction.VIEW,
            actor=self.request.user,
            obj=obj,
            purpose="API",
            details=audit.naming(Citizen, [getattr(obj, self.citizen_attr)]),
        )

    def paginate_queryset(self, queryset):
        self.shown = super().paginate_queryset(queryset)
        return self.shown

    def list(self, request, *args, **kwargs):
        self.shown = None
        response = super().list(request, *args, **kwargs)
        if self.personal and self.shown:
            self.audit_list(self.shown)
        return response

    def audit_list(self, rows: list) -> None:
        """One SEARCH row for the page, with its criteria and the ids of the citizens it
        shows. As on the screens, a role that sees citizens only by pseudonym has its
        searches logged without ids, and a plain list of pseudonyms not at all."""
        request = self.request
        # Only known parameters, cleaned: the log must not store what a client invents.
        criteria = {
            name: request.GET[name].replace("\x00", "")[:100]
            for name in self.criteria
            if name in request.GET
        }
        personal = visibility_for(request.user).personal
        if not personal and not set(criteria) - {"page"}:
            return
        # A page number, an id or an ISO week is not free text; anything else a client
        # sends in their place is logged pseudonymised.
        choices = {
            name
            for name, value in criteria.items()
            if (value.isdigit() and len(value) <= 5) or ISO_WEEK.fullmatch(value)
        }
        citizens = dict.fromkeys(getattr(row, self.citizen_attr) for row in rows)
        audit.record_search(
            actor=request.user,
            model=Citizen,
            criteria={"api": "liste", **criteria},
            choices={"api", *choices},
            ids=citizens if personal else [],
            purpose="API",
            # Which hours entries, placements or exits of theirs the page showed.
            details=(
                {"rows": audit.naming(self.model, [row.pk for row in rows])}
                if personal and self.model is not Citizen
                else {}
            ),
        )


class CitizenViewSet(ScopedReadViewSet):
    """Participants in the user's scope; masked CPR for named roles, never the full number."""

    model = Citizen
    permission = "citizens.view"
    personal = True
    citizen_attr = "pk"
    serializer_class = s.CitizenSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("municipality", "cluster", "employment_actor")

    def audit_view(self, obj) -> None:
        citizen_record_viewed(citizen=obj, by=self.request.user, purpose="API")


class HoursViewSet(ScopedReadViewSet):
    model = HoursEntry
    permission = "citizens.view"
    personal = True
    serializer_class = s.HoursEntrySerializer
    criteria = ("page", "week", "citizen")

    @extend_schema(
        parameters=[
            OpenApiParameter("week", OpenApiTypes.STR, description="ISO-uge, fx 2024-W07"),
            OpenApiParameter("citizen", OpenApiTypes.INT),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        entries = super().get_queryset().order_by("week_start", "citizen_id", "kind")
        if week := self.request.GET.get("week"):
            entries = entries.filter(week_start=iso_week_or_400(week))
        if citizen := self.request.GET.get("citizen"):
            if not citizen.isdigit():
                raise serializers.ValidationError({"citizen": _("Angiv et deltager-id.")})
            entries = entries.filter(citizen_id=int(citizen))
        return entries


def _decimal(value):
    """A decimal as the API writes decimals (a string, like DRF's fields); null for none."""
    return None if value is None else str(value)


class HoursWeekView(PermissionGateMixin, APIView):
    """The whole week for many citizens at once, all or nothing; the same body twice
    changes nothing. A row with hours null removes that entry."""

    permission = "hours.write"

    @extend_schema(
        request=s.HoursWeekSerializer,
        responses={200: s.HoursWeekResultSerializer},
        parameters=[
            OpenApiParameter(
                "iso_week", OpenApiTypes.STR, OpenApiParameter.PATH, description="fx 2024-W07"
            )
        ],
    )
    def put(self, request, iso_week: str):
        monday = iso_week_or_400(iso_week)
        body = s.HoursWeekSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = [
            HoursRow(
                citizen_id=row["citizen_id"],
                kind=row["kind"],
                hours=row["hours"],
                shown=row.get("previous_hours", NOT_SHOWN),
            )
            for row in body.validated_data["rows"]
        ]
        try:
            entries = hours_save_week(actor=request.user, week=monday, rows=rows)
        except HoursWeekInvalid as exc:
            errors = [
                {"row": index, "errors": messages}
                | ({"current_hours": _decimal(exc.current[index])} if index in exc.current else {})
                for index, messages in sorted(exc.row_errors.items())
            ]
            # A row someone else changed since the client read it: a conflict, not bad input.
            conflict = status.HTTP_409_CONFLICT if exc.current else status.HTTP_400_BAD_REQUEST
            return Response({"rows": errors}, status=conflict)
        except DjangoValidationError as exc:
            return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        result = {"week": iso_week_label(monday), "entries": entries}
        return Response(s.HoursWeekResultSerializer(result).data)


class ServiceCreateMixin(mixins.CreateModelMixin):
    """POST validates the body (ids in the user's write scope), then calls the service,
    which validates again, saves and writes the audit row."""

    write_permission: str
    create_serializer_class: type[serializers.Serializer]

    def get_serializer_class(self):
        if self.action == "create":
            return self.create_serializer_class
        return self.serializer_class

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            obj = self.service(by=request.user, **data)
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise serializers.ValidationError(detail) from None
        return Response(self.serializer_class(obj).data, status=status.HTTP_201_CREATED)

    def service(self, **kwargs):  # pragma: no cover - contract
        raise NotImplementedError


@extend_schema_view(
    create=extend_schema(
        request=s.PlacementCreateSerializer, responses={201: s.PlacementSerializer}
    )
)
class PlacementViewSet(ServiceCreateMixin, ScopedReadViewSet):
    model = Placement
    permission = "placements.view"
    write_permission = "citizens.write"
    personal = True
    serializer_class = s.PlacementSerializer
    create_serializer_class = s.PlacementCreateSerializer

    def service(self, **data):
        return placement_create(**data)


@extend_schema_view(
    create=extend_schema(request=s.ExitCreateSerializer, responses={201: s.ExitFormSerializer})
)
class ExitViewSet(ServiceCreateMixin, ScopedReadViewSet):
    model = ExitForm
    permission = "citizens.view"
    write_permission = "citizens.write"
    personal = True
    serializer_class = s.ExitFormSerializer
    create_serializer_class = s.ExitCreateSerializer

    def service(self, **data):
        return exit_register(**data)


class CompanyViewSet(ScopedReadViewSet):
    model = Company
    permission = "companies.view"
    serializer_class = s.CompanySerializer

    def get_queryset(self):
        return super().get_queryset().select_related("municipality", "enrolled_cluster")


class CampViewSet(ScopedReadViewSet):
    model = Camp
    permission = "programme.view"
    serializer_class = s.CampSerializer

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("cluster")
            .prefetch_related("company_attendance", "staff_attendance")
        )


class IndicatorView(PermissionGateMixin, APIView):
    """The indicator table (reporting.indicators.compute), as the command prints it."""

    permission = "reports.programme"

    @extend_schema(
        parameters=[s.IndicatorQuerySerializer],
        responses={200: s.IndicatorRowSerializer(many=True)},
    )
    def get(self, request):
        query = s.IndicatorQuerySerializer(data=request.GET)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        rows = compute(
            scope=Scope(
                region=data.get("region", ""),
                cluster=data.get("cluster"),
                municipality=data.get("municipality", ""),
            ),
            start=data.get("start"),
            end=data.get("end"),
        )
        audit.record_export(
            actor=request.user,
            what="indikatorer (API)",
            details={k: str(v) for k, v in data.items()},
        )
        return Response(s.IndicatorRowSerializer(rows, many=True).data)


# --- The user's own API tokens (pages, signed in with a session) ---


@permission_required("api.tokens")
def tokens(request):
    """The user's tokens; a POST issues a new one, whose key this answer shows once.

    Issuing needs a session that passed the second factor where the deployment asks for one
    (the middleware already sends other sessions to the code; this keeps it so)."""
    issued = None
    if request.method == "POST":
        if not second_factor_passed(request.user):
            return redirect("otp_verify")
        issued = token_issue(user=request.user, by=request.user)
    return render(
        request,
        "siv_api/tokens.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user),
            "issued": issued,
            "days": settings.SIV_API_TOKEN_DAYS,
        },
    )


@permission_required("api.tokens")
@require_POST
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    token_revoke(token=token, by=request.user)
    messages.success(
        request, _("API-nøglen %(prefix)s er tilbagekaldt.") % {"prefix": token.prefix}
    )
    # The account page lists the usable tokens too, and its revoke buttons lead back there.
    return redirect("account" if request.POST.get("back") == "account" else "siv_api:tokens")
