"""`python -m skills_cert.verify_offline TOKEN_OR_URL --keys keys.json`: the offline verifier
(`certification/offline.py`) under the command name published with the first certificates."""

from skills_cert.certification.offline import main

if __name__ == "__main__":
    raise SystemExit(main())
