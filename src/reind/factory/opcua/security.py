"""How a twin's OPC UA server is secured: Basic256Sha256 with user names, or nothing if asked.

Secured (the default of ``reind twin run --opcua``): the endpoints offered are
Basic256Sha256 Sign and Basic256Sha256 SignAndEncrypt only; the server's key and
self-signed application certificate are made on first start in
``certificate_dir`` and reused afterwards (asyncua regenerates an invalid or
expired one); a session must identify itself with a user name and password
(sent encrypted under the server's certificate), anonymous sessions are refused.

Client certificates are checked against a trust list kept as folders, the
layout OPC UA Part 12 describes and other OPC UA stacks use:
``<certificate_dir>/pki/trusted/certs`` (certificates, or their issuing CA,
trusted by the operator), ``pki/trusted/crl`` (revocation lists) and
``pki/rejected/certs``, where the server files every certificate it refused so
that an operator can trust it by moving the file into ``trusted/certs``. The
folders are read again at every CreateSession, so no restart is needed. A
certificate must also be in date, name the client's application URI and allow
client use (asyncua's ``CertificateValidator``, TRUSTED_VALIDATION).

``OpcUaSecurity.insecure()`` offers SecurityPolicy None with anonymous access,
for tests and a closed demo network, and only when asked for (docs/decisions/0141).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asyncua import ua
from asyncua.common.utils import ServiceError
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from asyncua.crypto.permission_rules import User, UserRole
from asyncua.crypto.truststore import TrustStore
from asyncua.crypto.validator import CertificateValidator, CertificateValidatorOptions
from asyncua.server.user_managers import UserManager
from asyncua.ua.status_codes import StatusCodes
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

from reind.core.errors import InvalidInputError

if TYPE_CHECKING:
    from asyncua.server.internal_server import InternalServer
    from asyncua.server.server import Server

logger = logging.getLogger(__name__)

KEY_FILE = "server_key.pem"
CERTIFICATE_FILE = "server_certificate.der"
SECURE_POLICIES = [
    ua.SecurityPolicyType.Basic256Sha256_Sign,
    ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
]


@dataclass(frozen=True)
class OpcUaSecurity:
    """The policies, certificate and users of one OPC UA server."""

    certificate_dir: Path | None
    users: Mapping[str, str] = field(default_factory=dict)
    """User name -> password; a session must present one of them."""
    allow_none: bool = False

    def __post_init__(self) -> None:
        if not self.allow_none and (self.certificate_dir is None or not self.users):
            raise InvalidInputError(
                "a secured OPC UA server needs a certificate directory and at least one user",
                zh="加密的 OPC UA 伺服器須有憑證目錄及最少一名使用者",
            )

    @classmethod
    def insecure(cls) -> OpcUaSecurity:
        """SecurityPolicy None and anonymous sessions: only when asked for."""
        return cls(None, {}, allow_none=True)

    @property
    def pki_dir(self) -> Path:
        """The trust list's root: ``trusted/certs``, ``trusted/crl``, ``rejected/certs``."""
        assert self.certificate_dir is not None, "a secured server has a certificate directory"
        return self.certificate_dir / "pki"

    @property
    def trusted_dir(self) -> Path:
        """Client certificates (or their CAs) this server accepts: DER or PEM files."""
        return self.pki_dir / "trusted" / "certs"

    @property
    def rejected_dir(self) -> Path:
        """Client certificates the server refused, filed by SHA-1 thumbprint for review."""
        return self.pki_dir / "rejected" / "certs"


class TrustList:
    """Checks a client's certificate at CreateSession against the trust list folders.

    An asyncua certificate validator: raises ``ServiceError`` with the OPC UA
    status (BadCertificateUntrusted, -Revoked, -TimeInvalid, -UriInvalid,
    -UseNotAllowed) and files an untrusted certificate under ``rejected``.
    """

    def __init__(self, security: OpcUaSecurity) -> None:
        self.security = security
        for folder in (security.trusted_dir, security.pki_dir / "trusted" / "crl",
                       security.rejected_dir):  # fmt: skip
            folder.mkdir(parents=True, exist_ok=True)
        self._store = TrustStore([security.trusted_dir], [security.pki_dir / "trusted" / "crl"])
        self._validator = CertificateValidator(
            CertificateValidatorOptions.TRUSTED_VALIDATION
            | CertificateValidatorOptions.PEER_CLIENT,
            self._store,
        )

    async def __call__(
        self, certificate: x509.Certificate, application: ua.ApplicationDescription
    ) -> None:
        """Accept ``certificate`` or raise ServiceError (filing it if it is untrusted)."""
        await self._store.load()  # an operator may have moved a file in since the last session
        try:
            await self._validator.validate(certificate, application)
        except ServiceError as error:
            if error.code == StatusCodes.BadCertificateUntrusted:
                self._reject(certificate, application)
            else:
                logger.warning("OPC UA session refused: client certificate %s",
                               ua.StatusCode(ua.UInt32(error.code)).name)  # fmt: skip
            raise

    def _reject(
        self, certificate: x509.Certificate, application: ua.ApplicationDescription
    ) -> None:
        der = certificate.public_bytes(Encoding.DER)
        thumbprint = hashlib.sha1(der, usedforsecurity=False).hexdigest()
        path = self.security.rejected_dir / f"{thumbprint}.der"
        path.write_bytes(der)
        logger.warning(
            "OPC UA session refused: untrusted client certificate of %s (%s); to trust it,"
            " move %s to %s",
            application.ApplicationUri, certificate.subject.rfc4514_string(), path,
            self.security.trusted_dir,
        )  # fmt: skip


class PasswordUsers(UserManager):
    """asyncua's user manager: a known user name with its password, or no session."""

    def __init__(self, users: Mapping[str, str]) -> None:
        self._users = dict(users)

    def get_user(
        self,
        iserver: InternalServer,
        username: str | None = None,
        password: str | None = None,
        certificate: Any = None,
    ) -> User | None:
        """The user if the name and password match (compared in constant time), else None."""
        expected = self._users.get(username or "")
        if expected is None or password is None:
            logger.warning("OPC UA session refused: unknown user %r", username)
            return None
        if not hmac.compare_digest(expected.encode(), password.encode()):
            logger.warning("OPC UA session refused: wrong password for %r", username)
            return None
        return User(role=UserRole.User, name=username)


async def secure(server: Server, security: OpcUaSecurity, app_uri: str, host: str) -> None:
    """Set ``server``'s policies, identity tokens, certificate and users (before ``start``)."""
    if security.allow_none:
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        server.set_identity_tokens([ua.AnonymousIdentityToken])
        return
    directory = security.certificate_dir
    assert directory is not None, "checked by OpcUaSecurity"
    directory.mkdir(parents=True, exist_ok=True)
    key, certificate = directory / KEY_FILE, directory / CERTIFICATE_FILE
    await setup_self_signed_certificate(
        key,
        certificate,
        app_uri,
        host if host not in ("0.0.0.0", "") else socket.gethostname(),  # noqa: S104 - a name
        [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
        {"commonName": "reind twin", "organizationName": "reind"},
    )
    await server.set_application_uri(app_uri)
    await server.load_certificate(certificate)
    await server.load_private_key(key)
    server.set_security_policy(SECURE_POLICIES)
    server.set_identity_tokens([ua.UserNameIdentityToken])
    server.iserver.set_user_manager(PasswordUsers(security.users))
    server.set_certificate_validator(TrustList(security))
