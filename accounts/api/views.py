from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from core.errors import first_message
from core.openapi import BAD_INPUT, REFUSED, SIGNED_OUT, error
from core.ratelimits import enforce
from core.rows import rows_of

from .. import google, selectors, services
from ..tokens import token_pair
from . import serializers as s

LIMITED = error("Too many tries from this address or for this account")


class PublicAPIView(APIView):
    """Sign-in endpoints: no credentials needed, and a stale bearer token must not block them."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        # Without authenticators DRF would turn AuthenticationFailed into a 403; a refused
        # credential is a 401 that names the scheme to use.
        return 'Bearer realm="api"'


class SignupView(PublicAPIView):
    @extend_schema(
        request=s.SignupInput,
        responses={201: s.SignupOutput, 400: BAD_INPUT, 429: LIMITED},
        tags=["auth"],
        description="Duplicate username or email (in any case), or a weak password, is a 400 naming the field.",
    )
    def post(self, request):
        enforce(request, group="signup", key="ip", rates=[settings.AUTH_RATE])
        data = s.SignupInput(data=request.data)
        if not data.is_valid():
            # The old app shows only `detail`: one sentence besides the field errors.
            return Response({"detail": first_message(data.errors), **data.errors}, status=status.HTTP_400_BAD_REQUEST)
        try:
            user = services.register_user(**data.validated_data, site_url=request.build_absolute_uri("/"))
        except services.AccountTaken as error:
            raise ValidationError({"detail": error.message, "username": [error.message]}) from error
        return Response({**token_pair(user), "user": s.MeSerializer(user).data}, status=status.HTTP_201_CREATED)


class LoginView(PublicAPIView):
    @extend_schema(
        request=s.LoginInput,
        responses={200: s.TokenPair, 400: BAD_INPUT, 401: REFUSED, 429: LIMITED},
        tags=["auth"],
        description="Form-encoded or JSON. `username` may be the email.",
    )
    def post(self, request):
        enforce(request, group="login-ip", key="ip", rates=[settings.AUTH_RATE])
        data = s.LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        identifier = data.validated_data["username"]
        # Per account as well, so guessing one learner's password from many addresses is slow
        # too; the username and the email of one account share one counter.
        enforce(request, group="login-account", key=selectors.login_limit_key(identifier), rates=[settings.AUTH_RATE])
        user = services.log_in(identifier=identifier, password=data.validated_data["password"])
        return Response(token_pair(user))


class RefreshView(PublicAPIView):
    @extend_schema(
        request=s.RefreshInput,
        responses={200: s.TokenPair, 400: BAD_INPUT, 401: REFUSED},
        tags=["auth"],
        description="A new pair; the refresh token sent is blacklisted (rotation).",
    )
    def post(self, request):
        data = s.RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.rotate_refresh_token(data.validated_data["refresh_token"]))


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.RefreshInput, responses={204: None, 400: BAD_INPUT, 401: SIGNED_OUT}, tags=["auth"])
    def post(self, request):
        data = s.RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = RefreshToken(data.validated_data["refresh_token"])
        except TokenError as error:
            raise ValidationError({"refresh_token": [_("The refresh token is invalid or expired.")]}) from error
        if str(token.get("user_id")) != str(request.user.pk):
            raise ValidationError({"refresh_token": [_("This token belongs to another account.")]})
        token.blacklist()
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: None, 401: SIGNED_OUT},
        tags=["auth"],
        description="Ends every refresh token and browser session of the learner (a lost phone).",
    )
    def post(self, request):
        services.end_all_sessions(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GuardianView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.GuardianInput,
        responses={
            202: None,
            400: BAD_INPUT,
            401: SIGNED_OUT,
            429: error("Too many resends: `GUARDIAN_MAIL_RATES` per learner"),
        },
        tags=["users"],
        description="(Re)sends the guardian's consent mail, to a new address if given; only while consent is pending.",
    )
    def post(self, request):
        enforce(request, group="guardian-mail", key=f"user:{request.user.pk}", rates=settings.GUARDIAN_MAIL_RATES)
        data = s.GuardianInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.request_guardian_consent(
            user=request.user,
            guardian_email=data.validated_data.get("guardian_email", ""),
            site_url=request.build_absolute_uri("/"),
        )
        return Response(status=status.HTTP_202_ACCEPTED)


class GoogleView(PublicAPIView):
    @extend_schema(
        request=s.GoogleInput,
        responses={
            200: s.TokenPair,
            400: BAD_INPUT,
            401: REFUSED,
            429: LIMITED,
            409: error("The Google account's email is not verified"),
            503: error("Google sign-in not configured, or Google's keys unreachable"),
        },
        tags=["auth"],
        description="An ID token from Google Sign-In: creates the learner, or links one with the same email.",
    )
    def post(self, request):
        enforce(request, group="google", key="ip", rates=[settings.AUTH_RATE])
        data = s.GoogleInput(data=request.data)
        data.is_valid(raise_exception=True)
        identity = google.verify_id_token(data.validated_data["id_token"])
        user = services.sign_in_with_google(identity=identity)
        if not user.is_active:
            raise services.AccountDisabled()
        return Response(token_pair(user))


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.MeSerializer, 401: SIGNED_OUT}, tags=["users"])
    def get(self, request):
        return Response(rows_of(s.MeSerializer).row(request.user))

    @extend_schema(
        request=s.ProfileInput, responses={200: s.MeSerializer, 400: BAD_INPUT, 401: SIGNED_OUT}, tags=["users"]
    )
    def patch(self, request):
        data = s.ProfileInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.update_profile(user=request.user, **data.validated_data)
        return Response(s.MeSerializer(user).data)

    @extend_schema(
        responses={204: None, 401: SIGNED_OUT}, tags=["users"], description="Erase the account and all its data."
    )
    def delete(self, request):
        services.delete_account(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
