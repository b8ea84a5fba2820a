from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from core.ratelimits import enforce

from .. import google, services
from ..models import User
from ..tokens import token_pair
from . import serializers as s

BAD_INPUT = OpenApiResponse(description="Invalid input: `{field: [messages]}`")
REFUSED = OpenApiResponse(description="Credentials refused: `{detail}`")
LIMITED = OpenApiResponse(description="Too many tries from this address or for this account: `{detail}`")


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
        data.is_valid(raise_exception=True)
        user = services.register_user(**data.validated_data)
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
        # Per account as well, so guessing one learner's password from many addresses is slow too.
        account = f"account:{identifier.strip().lower()}"
        enforce(request, group="login-account", key=account, rates=[settings.AUTH_RATE])
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
        refresh = TokenRefreshSerializer(data={"refresh": data.validated_data["refresh_token"]})
        try:
            refresh.is_valid(raise_exception=True)
        except (TokenError, ValidationError, AuthenticationFailed, User.DoesNotExist) as error:
            raise AuthenticationFailed("The refresh token is invalid, expired or revoked.") from error
        return Response(
            {
                "access_token": refresh.validated_data["access"],
                "refresh_token": refresh.validated_data["refresh"],
                "token_type": "bearer",
            }
        )


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.RefreshInput, responses={204: None, 400: BAD_INPUT}, tags=["auth"])
    def post(self, request):
        data = s.RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token = RefreshToken(data.validated_data["refresh_token"])
        except TokenError as error:
            raise ValidationError({"refresh_token": ["The refresh token is invalid or expired."]}) from error
        if str(token.get("user_id")) != str(request.user.pk):
            raise ValidationError({"refresh_token": ["This token belongs to another account."]})
        token.blacklist()
        return Response(status=status.HTTP_204_NO_CONTENT)


class GoogleView(PublicAPIView):
    @extend_schema(
        request=s.GoogleInput,
        responses={
            200: s.TokenPair,
            400: BAD_INPUT,
            401: REFUSED,
            429: LIMITED,
            503: OpenApiResponse(description="Google sign-in not configured, or Google's keys unreachable"),
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

    @extend_schema(responses=s.MeSerializer, tags=["users"])
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)

    @extend_schema(request=s.ProfileInput, responses=s.MeSerializer, tags=["users"])
    def patch(self, request):
        data = s.ProfileInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.update_profile(user=request.user, **data.validated_data)
        return Response(s.MeSerializer(user).data)

    @extend_schema(responses={204: None}, tags=["users"], description="Erase the account and all its data.")
    def delete(self, request):
        services.delete_account(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
