"""The B2C SecurityCredential: the initiator password RSA-encrypted with Safaricom's certificate."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ._errors import DarajaValidationError

__all__ = ["generate_security_credential"]


def _load_certificate(certificate: bytes | str | os.PathLike[str]) -> x509.Certificate:
    if isinstance(certificate, bytes):
        data = certificate
    elif isinstance(certificate, str) and "-----BEGIN" in certificate:
        data = certificate.encode("ascii")
    else:
        try:
            data = Path(certificate).read_bytes()
        except OSError as exc:
            raise DarajaValidationError(
                "certificate", f"could not be read from {os.fspath(certificate)!r} ({exc.strerror})"
            ) from None
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise DarajaValidationError(
            "certificate", "is not an X.509 certificate in PEM or DER form"
        ) from None


def generate_security_credential(password: str, certificate: bytes | str | os.PathLike[str]) -> str:
    """Encrypt ``password`` with the certificate's RSA key (PKCS#1 v1.5) and base64 the result.

    ``certificate`` is PEM or DER, given as bytes, PEM text, or a path to a file. Nothing is
    appended to the password. A 2048-bit key gives 344 characters. The password never appears
    in an error message.
    """
    if not isinstance(password, str) or not password:
        raise DarajaValidationError("password", "must be a non-empty string")
    public_key = _load_certificate(certificate).public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise DarajaValidationError("certificate", "must hold an RSA public key")
    ciphertext = public_key.encrypt(password.encode("utf-8"), padding.PKCS1v15())
    return base64.b64encode(ciphertext).decode("ascii")
