"""Certificates: approval and issuing, numbering, signing keys, the signed token, the certificate
document and its PDF, the holder's download, the office's search, revoke and reissue, the
verification page and the offline verifier.

This package imports no Flask at its top, so `certification.signing` and `certification.offline`
run with nothing but `cryptography`."""
