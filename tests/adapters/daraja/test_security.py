"""generate_security_credential: RSA PKCS#1 v1.5 with the certificate, base64, nothing appended."""

from __future__ import annotations

import base64
import datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from adapters.daraja import DarajaValidationError, generate_security_credential

PASSWORD = "Safaricom999!*!"


def _certificate(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test.daraja.local")])
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def cert(rsa_key: rsa.RSAPrivateKey) -> x509.Certificate:
    return _certificate(rsa_key)


def _decrypt(key: rsa.RSAPrivateKey, credential: str) -> bytes:
    return key.decrypt(base64.b64decode(credential), padding.PKCS1v15())


def test_pem_bytes_der_bytes_pem_text_and_paths(
    rsa_key: rsa.RSAPrivateKey, cert: x509.Certificate, tmp_path: Path
) -> None:
    pem = cert.public_bytes(serialization.Encoding.PEM)
    der = cert.public_bytes(serialization.Encoding.DER)
    (tmp_path / "c.pem").write_bytes(pem)
    (tmp_path / "c.cer").write_bytes(der)
    for source in (pem, der, pem.decode(), tmp_path / "c.pem", str(tmp_path / "c.cer")):
        credential = generate_security_credential(PASSWORD, source)
        assert len(credential) == 344
        assert _decrypt(rsa_key, credential) == PASSWORD.encode()  # nothing appended


def test_randomised_padding(cert: x509.Certificate) -> None:
    pem = cert.public_bytes(serialization.Encoding.PEM)
    assert generate_security_credential(PASSWORD, pem) != generate_security_credential(
        PASSWORD, pem
    )


def test_bad_inputs_never_show_the_password(tmp_path: Path, cert: x509.Certificate) -> None:
    for source in (b"not a certificate", tmp_path / "missing.pem"):
        with pytest.raises(DarajaValidationError) as info:
            generate_security_credential(PASSWORD, source)
        assert info.value.field == "certificate"
        assert PASSWORD not in str(info.value)
    with pytest.raises(DarajaValidationError):
        generate_security_credential("", cert.public_bytes(serialization.Encoding.PEM))
    ec_cert = _certificate(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(DarajaValidationError, match="RSA"):
        generate_security_credential(PASSWORD, ec_cert.public_bytes(serialization.Encoding.PEM))
