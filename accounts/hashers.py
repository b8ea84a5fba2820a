"""The password hasher RaiPlay chooses on purpose (see PASSWORD_HASHERS in settings)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's first recommended setting: m = 19 MiB, t = 2, p = 1.

    Django's own defaults (100 MiB, 8 lanes) cost a web worker a tenth of a gigabyte per
    concurrent login; OWASP's setting gives the same resistance to GPU cracking per unit of
    server work and keeps 16 simultaneous logins within a small worker's memory. Hashes
    made with other parameters are re-made with these at the next successful login.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
