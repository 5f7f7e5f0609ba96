"""The twin's OPC UA server against asyncua's client: Basic256Sha256 with users, None only if asked.

Issue 14: only SecurityPolicy None was offered, to anyone. Secured now: Sign and
SignAndEncrypt under a certificate made on first start, user name and password required,
and a client certificate the operator trusts (``pki/trusted/certs``); a refused one is
filed under ``pki/rejected/certs``.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import pytest
from asyncua import ua
from asyncua.client.client import Client
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from asyncua.crypto.security_policies import SecurityPolicyBasic256Sha256
from asyncua.ua.uaerrors import BadCertificateUntrusted, BadUserAccessDenied, UaError
from cryptography.x509.oid import ExtendedKeyUsageOID

from reind.core.errors import InvalidInputError
from reind.factory.control.packml import PackMLState
from reind.factory.opcua.security import CERTIFICATE_FILE, OpcUaSecurity
from reind.factory.opcua.server import NAMESPACE, TwinOpcUaServer
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.waffle import WaffleMachine
from tests.fixtures.servers import free_port

pytestmark = pytest.mark.integration

CLIENT_URI = "urn:reind:tests:client"
USERS = {"operator": "correct horse"}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory of server and client keys for the module: RSA keys take a while."""
    return tmp_path_factory.mktemp("opcua-keys")


def waffle_server(security: OpcUaSecurity) -> TwinOpcUaServer:
    twin = WaffleMachine(SimulatedClock(), seed=5)
    return TwinOpcUaServer(twin, threading.Lock(), port=free_port(), security=security)


async def client_certificate(directory: Path) -> tuple[Path, Path]:
    key, certificate = directory / "client_key.pem", directory / "client_certificate.der"
    await setup_self_signed_certificate(
        key, certificate, CLIENT_URI, "localhost",
        [ExtendedKeyUsageOID.CLIENT_AUTH], {"commonName": "reind test client"},
    )  # fmt: skip
    return key, certificate


async def trusted(security: OpcUaSecurity, directory: Path) -> OpcUaSecurity:
    """``security`` with the client certificate of ``directory`` in its trust list."""
    _, certificate = await client_certificate(directory)
    security.trusted_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(certificate, security.trusted_dir / "test-client.der")
    return security


async def secure_client(
    server: TwinOpcUaServer,
    directory: Path,
    mode: ua.MessageSecurityMode,
    user: str | None,
    password: str | None,
) -> Client:
    key, certificate = await client_certificate(directory)
    client = Client(server.endpoint)
    client.application_uri = CLIENT_URI
    if user is not None:
        client.set_user(user)
    if password is not None:
        client.set_password(password)
    assert server.security.certificate_dir is not None
    server_certificate = (server.security.certificate_dir / CERTIFICATE_FILE).read_bytes()
    await client.set_security(
        SecurityPolicyBasic256Sha256, str(certificate), str(key),
        server_certificate=server_certificate, mode=mode,
    )  # fmt: skip
    return client


async def read_state(client: Client) -> object:
    async with client:
        ns = await client.get_namespace_index(NAMESPACE)
        node = client.get_node(ua.NodeId(ua.String("PackML/State"), ua.Int16(ns)))
        return await node.read_value()


@pytest.mark.parametrize(
    "mode", [ua.MessageSecurityMode.Sign, ua.MessageSecurityMode.SignAndEncrypt]
)
def test_a_user_with_a_password_reads_the_twin_over_basic256sha256(
    keys: Path, mode: ua.MessageSecurityMode
) -> None:
    async def run() -> object:
        server = waffle_server(await trusted(OpcUaSecurity(keys / "server", USERS), keys))
        await server.start()
        try:
            client = await secure_client(server, keys, mode, "operator", "correct horse")
            return await read_state(client)
        finally:
            await server.stop()

    assert asyncio.run(run()) == int(PackMLState.STOPPED)  # the twin was never reset


def test_only_basic256sha256_sign_and_sign_and_encrypt_are_offered(keys: Path) -> None:
    async def run() -> list[tuple[str, ua.MessageSecurityMode, list[ua.UserTokenType]]]:
        server = waffle_server(OpcUaSecurity(keys / "server", USERS))
        await server.start()
        try:
            endpoints = await server.server.get_endpoints()
        finally:
            await server.stop()
        return [
            (e.SecurityPolicyUri, e.SecurityMode, [t.TokenType for t in e.UserIdentityTokens])
            for e in endpoints
        ]

    offered = asyncio.run(run())
    assert {(uri, mode) for uri, mode, _ in offered} == {
        (SecurityPolicyBasic256Sha256.URI, ua.MessageSecurityMode.Sign),
        (SecurityPolicyBasic256Sha256.URI, ua.MessageSecurityMode.SignAndEncrypt),
    }
    assert all(tokens == [ua.UserTokenType.UserName] for _, _, tokens in offered)


@pytest.mark.parametrize(("user", "password"), [("operator", "wrong"), ("nobody", "x")])
def test_a_wrong_password_or_an_unknown_user_gets_no_session(
    keys: Path, user: str, password: str
) -> None:
    async def run() -> None:
        server = waffle_server(await trusted(OpcUaSecurity(keys / "server", USERS), keys))
        await server.start()
        try:
            client = await secure_client(
                server, keys, ua.MessageSecurityMode.SignAndEncrypt, user, password
            )
            with pytest.raises(BadUserAccessDenied):
                await read_state(client)
        finally:
            await server.stop()

    asyncio.run(run())


def test_an_unsecured_anonymous_client_is_refused(keys: Path) -> None:
    async def run() -> None:
        server = waffle_server(OpcUaSecurity(keys / "server", USERS))
        await server.start()
        try:
            with pytest.raises((UaError, OSError, asyncio.TimeoutError)):
                await read_state(Client(server.endpoint, timeout=5))
        finally:
            await server.stop()

    asyncio.run(run())


def test_the_certificate_is_made_on_first_start_and_kept(tmp_path: Path) -> None:
    async def start_and_stop() -> bytes:
        server = waffle_server(OpcUaSecurity(tmp_path / "server", USERS))
        await server.start()
        await server.stop()
        return (tmp_path / "server" / CERTIFICATE_FILE).read_bytes()

    first = asyncio.run(start_and_stop())
    assert first and asyncio.run(start_and_stop()) == first


def test_security_none_is_offered_only_when_asked_for() -> None:
    with pytest.raises(InvalidInputError):
        OpcUaSecurity(None, {})
    with pytest.raises(InvalidInputError):
        OpcUaSecurity(Path("certs"), {})

    async def run() -> list[str]:
        server = waffle_server(OpcUaSecurity.insecure())
        await server.start()
        try:
            return [e.SecurityPolicyUri for e in await server.server.get_endpoints()]
        finally:
            await server.stop()

    assert asyncio.run(run()) == ["http://opcfoundation.org/UA/SecurityPolicy#None"]


def test_a_client_certificate_not_in_the_trust_list_gets_no_session_and_is_filed(
    keys: Path,
) -> None:
    """The right user and password are not enough: the client's certificate must be trusted.
    A stranger's certificate is refused with BadCertificateUntrusted and filed under
    ``pki/rejected/certs``; once the operator moves it into ``pki/trusted/certs`` the same
    client is accepted, with no restart, while the trusted client is accepted throughout."""
    stranger = keys / "stranger"
    stranger.mkdir(exist_ok=True)
    mode = ua.MessageSecurityMode.SignAndEncrypt

    async def run() -> list[object]:
        security = await trusted(OpcUaSecurity(keys / "server", USERS), keys)
        server = waffle_server(security)
        await server.start()
        try:
            refused = await secure_client(server, stranger, mode, "operator", "correct horse")
            with pytest.raises(BadCertificateUntrusted):
                await read_state(refused)
            (filed,) = security.rejected_dir.glob("*.der")
            assert filed.read_bytes() == (stranger / "client_certificate.der").read_bytes()
            known = await secure_client(server, keys, mode, "operator", "correct horse")
            first = await read_state(known)
            filed.rename(security.trusted_dir / filed.name)  # the operator trusts it
            again = await secure_client(server, stranger, mode, "operator", "correct horse")
            return [first, await read_state(again)]
        finally:
            await server.stop()

    assert asyncio.run(run()) == [int(PackMLState.STOPPED)] * 2
