"""App secrets and tokens at rest: Fernet (``cryptography``) with the key in ``JDPG_SECRET_KEY``.

The key is a Fernet key (32 url-safe Base64 bytes; ``jdpg shops key`` prints a new one). Without
it the store still opens when it holds no shop, so the API can serve an empty watch; a store that
holds shops refuses to start (``SecretKeyMissing``), with one line naming the variable."""
from cryptography.fernet import Fernet, InvalidToken


class SecretKeyMissing(RuntimeError):
    pass


class SecretKeyWrong(RuntimeError):
    pass


MISSING = ("这个存储里有店铺，但没有设置 JDPG_SECRET_KEY：无法解密店铺的密钥和令牌，未启动",
           "the store holds shops but JDPG_SECRET_KEY is not set: their secrets and tokens cannot be decrypted; not started")
BAD_KEY = ("JDPG_SECRET_KEY 不是有效的密钥（用 jdpg shops key 生成）",
           "JDPG_SECRET_KEY is not a valid key (make one with `jdpg shops key`)")
WRONG = ("JDPG_SECRET_KEY 与加密这些店铺时用的密钥不同，无法解密",
         "JDPG_SECRET_KEY is not the key these shops were encrypted with: cannot decrypt them")


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


class Vault:
    """Encrypts and decrypts text; ``None`` key: every use says the key is missing."""

    def __init__(self, key: str | None):
        self._fernet = None
        if key:
            try:
                self._fernet = Fernet(key.strip().encode("ascii"))
            except (ValueError, UnicodeEncodeError):
                raise SecretKeyWrong(" / ".join(BAD_KEY)) from None

    def __repr__(self):
        return f"Vault(key={'set' if self._fernet else 'missing'})"

    @property
    def ready(self) -> bool:
        return self._fernet is not None

    def _need(self) -> Fernet:
        if self._fernet is None:
            raise SecretKeyMissing(" / ".join(MISSING))
        return self._fernet

    def seal(self, text: str | None) -> bytes | None:
        return None if text is None else self._need().encrypt(text.encode("utf-8"))

    def open(self, sealed: bytes | None) -> str | None:
        if sealed is None:
            return None
        try:
            return self._need().decrypt(bytes(sealed)).decode("utf-8")
        except InvalidToken:
            raise SecretKeyWrong(" / ".join(WRONG)) from None
