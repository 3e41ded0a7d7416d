"""Webhook signing secrets at rest, sealed with the operator's key-encryption key when one is configured.

A Standard Webhooks secret must be readable again to sign each delivery, so it cannot be hashed
like a token. With ONTRACK_WEBHOOK_SECRET_KEYS set (Fernet keys from
`cryptography.fernet.Fernet.generate_key()`, comma-separated), a secret is stored as
`fernet:<token>` (AES-128-CBC with HMAC-SHA256, cryptography's Fernet); a database copy or backup
then does not carry usable secrets without the key. The first key seals; every key unseals
(MultiFernet), so a key is rotated by putting the new one first and running
`flask api-client reseal-secrets`. Without keys, secrets are stored as they are, and a sealed one
cannot be used (SealError). No Flask here beyond reading the configured keys.
"""
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

MARK = "fernet:"


class SealError(ValueError):
    """A sealed secret that cannot be opened (no key configured, or not the key it was sealed with)."""


def configured_keys():
    """The configured Fernet keys (ONTRACK_WEBHOOK_SECRET_KEYS), as a list of strings, maybe empty."""
    from flask import current_app, has_app_context
    from ..config import Config
    setting = (current_app.config if has_app_context() else vars(Config)).get("WEBHOOK_SECRET_KEYS", "")
    return [key.strip() for key in (setting or "").split(",") if key.strip()]


def _fernet(keys):
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise SealError("ONTRACK_WEBHOOK_SECRET_KEYS holds something that is not a Fernet key "
                        "(32 url-safe base64-encoded bytes)") from exc


def seal(secret, keys=None):
    """The secret as stored: `fernet:…` with a key configured, else as it is; '' stays ''."""
    keys = configured_keys() if keys is None else keys
    if not secret or not keys:
        return secret
    return MARK + _fernet(keys).encrypt(secret.encode()).decode()


def unseal(stored, keys=None):
    """The secret in clear from what is stored (sealed or not); raise SealError when it cannot be opened."""
    if not stored or not stored.startswith(MARK):
        return stored
    keys = configured_keys() if keys is None else keys
    if not keys:
        raise SealError("the webhook secret is sealed but ONTRACK_WEBHOOK_SECRET_KEYS is not set")
    try:
        return _fernet(keys).decrypt(stored[len(MARK):].encode()).decode()
    except InvalidToken as exc:
        raise SealError("the webhook secret was sealed with a key that is not in ONTRACK_WEBHOOK_SECRET_KEYS") from exc


def reseal_all(db, keys=None):
    """Seal every stored secret with the first configured key (plain ones too); return how many changed.

    Raises SealError when no key is configured or a secret cannot be opened (nothing is changed then).
    """
    from ..db import transaction
    keys = configured_keys() if keys is None else keys
    if not keys:
        raise SealError("set ONTRACK_WEBHOOK_SECRET_KEYS first")
    changed = 0
    with transaction(db):
        for row in list(db.query("SELECT id, webhook_secret FROM api_clients WHERE webhook_secret != ''")):
            stored = seal(unseal(row["webhook_secret"], keys), keys)
            db.conn.execute("UPDATE api_clients SET webhook_secret = ? WHERE id = ?", [stored, row["id"]])
            changed += 1
    return changed
