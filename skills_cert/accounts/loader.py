from skills_cert.accounts.models import User
from skills_cert.extensions import db


def load_user(user_id: str) -> User | None:
    """Load the session's user; a stale session version (password changed, deactivated) ends it."""
    try:
        raw_id, raw_version = user_id.split(".", 1)
        uid, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user
