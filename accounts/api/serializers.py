from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import services
from ..models import User, validate_timezone


class SignupInput(serializers.Serializer):
    # No "@": sign-in takes a username or an email, and one must never pass for the other.
    username = serializers.RegexField(
        r"^[\w.+-]+\Z",
        max_length=150,
        error_messages={"invalid": _("Use letters, digits and . + - _ only.")},
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)

    def validate_username(self, value):
        if services.username_taken(value):
            raise serializers.ValidationError(_("A user with that username already exists."))
        return value

    def validate_email(self, value):
        if services.email_taken(value):
            raise serializers.ValidationError(_("A user with that email already exists."))
        return value

    def validate(self, attrs):
        try:
            services.check_password_strength(attrs["password"], username=attrs["username"], email=attrs["email"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": list(error.messages)}) from error
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


class MeSerializer(serializers.ModelSerializer):
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
            "xp",
            "coins",
            "level",
            "streak_count",
            "longest_streak",
            "last_active_date",
            "streak_freezes",
            "date_joined",
        ]
        read_only_fields = fields


class SignupOutput(TokenPair):
    user = MeSerializer()


class ProfileInput(serializers.Serializer):
    display_name = serializers.CharField(max_length=60, allow_blank=True, required=False)
    avatar_url = serializers.URLField(max_length=200, allow_blank=True, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    show_on_leaderboard = serializers.BooleanField(required=False)
    birth_year = serializers.IntegerField(min_value=1900, max_value=2100, allow_null=True, required=False)

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
