from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from core.errors import DomainError

from .. import consent, selectors, services
from ..models import ConsentStatus, User, validate_timezone


@extend_schema_field({"oneOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]})
class BlankableURLField(serializers.URLField):
    """A URL, or "" for none: `format: uri` alone refuses the empty string."""


class SignupInput(serializers.Serializer):
    # No "@": sign-in takes a username or an email, and one must never pass for the other.
    username = serializers.RegexField(
        r"^[\w.+-]+\Z",
        max_length=150,
        error_messages={"invalid": _("Use letters, digits and . + - _ only.")},
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    birth_year = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Optional for old clients; under the consent age a guardian must approve.",
    )
    guardian_email = serializers.EmailField(
        max_length=254, required=False, allow_blank=True, help_text="Required when `birth_year` says under 16."
    )

    def validate_username(self, value):
        if services.username_taken(value):
            raise serializers.ValidationError(_("A user with that username already exists."))
        return value

    def validate_email(self, value):
        if services.email_taken(value):
            raise serializers.ValidationError(_("A user with that email already exists."))
        return value

    def validate_birth_year(self, value):
        if value is not None:
            try:
                consent.check_birth_year(value)
            except consent.InvalidBirthYear as error:
                raise serializers.ValidationError(error.message) from error
        return value

    def validate(self, attrs):
        try:
            services.check_password_strength(attrs["password"], username=attrs["username"], email=attrs["email"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from error
        try:
            attrs["guardian_email"] = consent.check_guardian(
                birth_year=attrs.get("birth_year"),
                guardian_email=attrs.get("guardian_email", ""),
                learner_email=attrs["email"],
            )
        except DomainError as error:
            raise serializers.ValidationError({"guardian_email": [error.message]}) from error
        return attrs


class LoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="Username or email.")
    password = serializers.CharField(trim_whitespace=False, max_length=128)


class RefreshInput(serializers.Serializer):
    refresh_token = serializers.CharField()


class GoogleInput(serializers.Serializer):
    id_token = serializers.CharField()


class TokenPair(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField(default="bearer")


ConsentSerializer = inline_serializer(
    "Consent",
    {
        "required": serializers.BooleanField(help_text="Whether a guardian must approve (pending or granted)."),
        "status": serializers.ChoiceField(choices=ConsentStatus.choices),
    },
)


LANGUAGE_CHOICES = [("", "follow the browser"), *settings.LANGUAGES]


class MeSerializer(serializers.ModelSerializer):
    avatar_url = BlankableURLField(read_only=True, help_text="An image address, or empty for none.")
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES, read_only=True, help_text="en or sq; empty until the learner picks one."
    )
    consent = serializers.SerializerMethodField()
    email_verified = serializers.SerializerMethodField()
    is_teacher = serializers.SerializerMethodField(help_text="Whether the user runs classes (the `Teachers` group).")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "display_name",
            "avatar_url",
            "birth_year",
            "timezone",
            "show_on_leaderboard",
            "language",
            "xp",
            "coins",
            "level",
            "streak_count",
            "longest_streak",
            "last_active_date",
            "streak_freezes",
            "date_joined",
            "consent",
            "email_verified",
            "is_teacher",
        ]
        read_only_fields = fields

    @extend_schema_field(ConsentSerializer)
    def get_consent(self, user: User) -> dict:
        status = user.consent_status
        return {"required": status in (ConsentStatus.PENDING, ConsentStatus.GRANTED), "status": status}

    def get_email_verified(self, user: User) -> bool:
        return selectors.account_flags(user).email_verified

    def get_is_teacher(self, user: User) -> bool:
        return selectors.account_flags(user).is_teacher


class GuardianInput(serializers.Serializer):
    guardian_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)


class LogoutAllInput(serializers.Serializer):
    pass


class SignupOutput(TokenPair):
    user = MeSerializer()


class ProfileInput(serializers.Serializer):
    display_name = serializers.CharField(max_length=60, allow_blank=True, required=False)
    avatar_url = BlankableURLField(max_length=200, allow_blank=True, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    show_on_leaderboard = serializers.BooleanField(required=False)
    birth_year = serializers.IntegerField(min_value=1900, max_value=2100, allow_null=True, required=False)
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        allow_blank=True,
        help_text="en or sq; empty to follow the browser's Accept-Language.",
        error_messages={"invalid_choice": _("“{input}” is not a language RaiPlay speaks. Choose en, sq or empty.")},
    )

    def validate_timezone(self, value):
        try:
            validate_timezone(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return value

    def to_internal_value(self, data):
        unknown = set(data) - set(self.fields) if hasattr(data, "keys") else set()
        if unknown:
            raise serializers.ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
        return super().to_internal_value(data)
