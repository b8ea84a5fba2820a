"""RaiPlay settings: one module, every difference between environments is an env var."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

INSECURE_SECRET_KEY = "django-insecure-raiplay-development-only"
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default=INSECURE_SECRET_KEY)
if not DEBUG and SECRET_KEY == INSECURE_SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production refuses the development key.")
if not DEBUG and len(SECRET_KEY) < 50:
    # Sessions, password resets and guardian links are signed with it: a short key is guessable.
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is too short: production needs at least 50 characters.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, so content edits in both languages
    "django.contrib.admin",
    "nested_admin",  # a game's questions with their choices on one page
    "adminsortable2",  # the quest line ordered by drag and drop
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "corsheaders",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "core",
    "accounts",
    "games",
    "videos",
    "achievements",
    "chat",
    "classrooms",
    "raiplay",
]

MIDDLEWARE = [
    "core.middleware.ForwardedForMiddleware",
    "core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.RequestHygieneMiddleware",  # after the language is known, before any body is read
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.language.UserLanguageMiddleware",  # ?lang=, then the learner's choice
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.PrivateApiNoStoreMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# `make bench` only: the floor view (/bench/floor/) and a count of each request's SQL statements
# (the X-Bench-Queries header), raiplay.bench. Never set in production.
BENCH_MODE = env.bool("RAIPLAY_BENCH", default=False)
if BENCH_MODE:
    MIDDLEWARE.insert(0, "raiplay.bench.QueryCountMiddleware")

ROOT_URLCONF = "raiplay.urls"
WSGI_APPLICATION = "raiplay.wsgi.application"
ASGI_APPLICATION = "raiplay.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "raiplay.context_processors.site",
                "raiplay.context_processors.navigation",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Health-checks only a connection that has sat idle (core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "core.postgresql"
    # Parameters bound on the server, so psycopg can prepare a statement once it has run
    # five times on a connection: PostgreSQL then skips parsing and planning it, which
    # cost more than running the hot reads (0.3-0.7 ms a list at a million learners). Django's
    # default, client-side binding, never prepares. Off (DJANGO_DB_PREPARED_STATEMENTS=0)
    # behind a pooler that cannot keep prepared statements, such as pgbouncer before 1.21 in
    # transaction mode.
    if env.bool("DJANGO_DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional: with it, cache, rate limits and leaderboards are shared by every
# app server; without it (or while it is down) each falls back on its own.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "raiplay",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                # A Redis outage degrades to cache misses instead of 500s.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LEADERBOARD_PREFIX = env("LEADERBOARD_PREFIX", default="raiplay:lb")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Passwords: Argon2id (memory-hard, the winner of the Password Hashing Competition and OWASP's
# first choice) at OWASP's parameters, m = 19 MiB, t = 2, p = 1 (accounts.hashers), about as
# slow as PBKDF2 at Django's 1.2 M iterations per login but far costlier to crack on GPUs.
# PBKDF2 stays after it so accounts made before still sign in; their hash is re-made with
# Argon2id at their next successful login (Django upgrades a hash made by any later hasher).
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"

# allauth: sign in with username or email; email is unique.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# A confirmation mail on sign-up; learners may play before confirming ("optional").
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[RaiPlay] "
# Every form a learner fills in, in RaiPlay's words (labels and help; see accounts.forms).
ACCOUNT_FORMS = {
    "add_email": "accounts.forms.AddEmailForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "signup": "accounts.forms.SignupForm",
}
SOCIALACCOUNT_FORMS = {"signup": "accounts.forms.SocialSignupForm"}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "20/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/m/ip",
    "reset_password": "5/m/ip,3/5m/key",
}
SOCIALACCOUNT_LOGIN_ON_GET = False
GOOGLE_CLIENT_ID = env("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = env("GOOGLE_CLIENT_SECRET", default="")
GOOGLE_CERTS_URL = env("GOOGLE_CERTS_URL", default="https://www.googleapis.com/oauth2/v3/certs")
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "SCOPE": ["profile", "email"],
        "APPS": (
            [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}] if GOOGLE_CLIENT_ID else []
        ),
    }
}
SITE_ID = 1
# The Site allauth's mails name (subject, greeting, links): kept so by every migrate
# (accounts.receivers.name_the_site), never django.contrib.sites' "example.com".
SITE_NAME = "RaiPlay"
SITE_DOMAIN = env("DJANGO_SITE_DOMAIN", default="localhost:8000")  # links in mails sent outside a request

# manage.py seed_demo: the demo accounts' password (demo and staging sites only). Unset, a
# new demo account gets a random one, printed once, and an existing one keeps its own.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="")

# Minors: below this age a guardian must approve the account (accounts.consent).
DIGITAL_CONSENT_AGE = env.int("DIGITAL_CONSENT_AGE", default=16)
CONSENT_LINK_DAYS = 14

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("sq", _("Albanian"))]
# Our catalog first; then the hand-kept ones makemessages never rewrites: locale_drf/ (DRF and
# simplejwt ship no Albanian; Django's form messages in the learners' "ti") and
# locale_allauth/ (allauth ships no Albanian either).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_drf", BASE_DIR / "locale_allauth"]
# Content in both languages (django-modeltranslation: `title_en`, `title_sq`, …); an empty
# Albanian text falls back to English, the language content is written in first.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "sq")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# The admin's language tabs need jQuery UI (modeltranslation reads this unprefixed name):
# served from our static files, never a CDN (CSP, no network).
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
TIME_ZONE = "Europe/Tirane"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": env("DJANGO_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.staticfiles.StaticFilesStorage"  # WhiteNoise's, each URL worked out once
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.language.JWTAuthentication",  # simplejwt's, then the learner's language
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # DRF's JSON, written by orjson (core.renderers); the browsable API stays for people.
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.SafeJSONParser",
        "core.parsers.SafeFormParser",
        "core.parsers.SafeMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.handlers.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RaiPlay API",
    "DESCRIPTION": "Quests, mini-games, videos, rewards and FinBot for teen learners.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# Bodies: 1 MB for the API and forms (413 past it); uploaded files stream to disk and do not count.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Rate limits: per IP and per account, in the shared cache.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "core.handlers.ratelimited_page"
RATELIMIT_IP_META_KEY = "REMOTE_ADDR"  # ForwardedForMiddleware rewrites it behind nginx
RATELIMIT_FAIL_OPEN = True  # a Redis outage must not lock every learner out
AUTH_RATE = env("AUTH_RATE", default="10/m")
CHAT_RATES = env.list("CHAT_RATES", default=["20/m", "200/d"])
GUEST_CHAT_RATE = env("GUEST_CHAT_RATE", default="10/m")  # per client address, for the old app's guests
VIDEO_PROGRESS_RATE = env("VIDEO_PROGRESS_RATE", default="120/m")
GUARDIAN_MAIL_RATES = env.list("GUARDIAN_MAIL_RATES", default=["3/h", "10/d"])

# FinBot
CHAT_API_KEY = env("CHAT_API_KEY", default="")
CHAT_BASE_URL = env("CHAT_BASE_URL", default="") or None
CHAT_MODEL = env("CHAT_MODEL", default="gpt-4o-mini")
CHAT_TIMEOUT_SECONDS = env.float("CHAT_TIMEOUT_SECONDS", default=20.0)
CHAT_MAX_RETRIES = env.int("CHAT_MAX_RETRIES", default=1)

# Mail (confirmation, guardian consent, password reset): SMTP when EMAIL_HOST is set;
# otherwise to the log, with a warning at start, so sign-up never fails for want of a server.
_smtp = {
    name: value
    for name, value in {
        "host": env("EMAIL_HOST", default=""),
        "port": env.int("EMAIL_PORT", default=0),
        "username": env("EMAIL_HOST_USER", default=""),
        "password": env("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("EMAIL_USE_TLS", default=False),
    }.items()
    if value
}
MAILERS = {
    "default": {
        "BACKEND": env(
            "DJANGO_EMAIL_BACKEND",
            default=f"django.core.mail.backends.{'smtp' if _smtp.get('host') else 'console'}.EmailBackend",
        ),
        "OPTIONS": _smtp,
    }
}
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="RaiPlay <no-reply@raiplay.local>")

# Behind nginx, the client address is the X-Forwarded-For hop nginx added, believed only
# for requests whose peer is a trusted proxy (core.middleware.ForwardedForMiddleware);
# a request straight to the app port keeps its own address and loses X-Forwarded-*.
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=["127.0.0.1", "::1"] if BEHIND_PROXY else [])
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health/$"]
# Sessions stay in the database; their per-request read is a prepared query (core/sessions.py).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages load scripts, styles and fonts from this site only; no inline script runs (a page
# that needs one marks it with the request's nonce). Inline style *attributes* are allowed
# for progress bars and the quest map; pictures and videos may come from editors' URLs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "media-src": [CSP.SELF, "https:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, "https://accounts.google.com"],
}
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Logs: one line per request (core.logs) with its request id; JSON in production.
# django.request would log every 4xx again, a 403 with a traceback: it keeps 5xx only.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "django.security.DisallowedHost": {"level": "ERROR"}},
}

# Optional error reporting: sentry-sdk when SENTRY_DSN is set. No personal data is sent
# (no cookies, auth headers, user emails, request bodies, local variables, query strings or
# secrets from a URL's path).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.redis import RedisIntegration

    from core.logs import scrub_sentry_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        # The integrations we use, named: sentry-sdk's automatic ones import every library they
        # find installed (openai, celery, flask, …): +900 modules and +43 MiB in every worker.
        auto_enabling_integrations=False,
        integrations=[DjangoIntegration(), RedisIntegration()],
        send_default_pii=False,
        # A frame's local variables can hold what a learner wrote, their answers or a request
        # whose URL carries a secret: none of it leaves. The stack trace itself still does.
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_sentry_event,  # no secret from a URL (core.logs)
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        environment=env("SENTRY_ENVIRONMENT", default="production" if not DEBUG else "development"),
    )
